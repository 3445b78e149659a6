"""Issue 7.1: an XLSX that expands far beyond its size is refused before it is read (exit 3,
file and limit named, the option to raise it given), and a normal workbook still reads."""
import zipfile

from conftest import run
from validators import validate
from validators.read import InputError, read_options

NS = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
HEADER = ('<row r="1"><c r="A1" t="inlineStr"><is><t>事项名称</t></is></c>'
          '<c r="B1" t="inlineStr"><is><t>实施编码</t></is></c></row>')


def make_xlsx(path, sheet_xml: str, sst_xml: str | None = None):
    """A minimal valid workbook, built part by part as an attacker would."""
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
          + ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' if sst_xml else '')
          + '</Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    wb = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
          '<sheets><sheet name="办事指南" sheetId="1" r:id="rId1"/></sheets></workbook>')
    wbrels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
              + ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' if sst_xml else '')
              + '</Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", wbrels)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if sst_xml:
            z.writestr("xl/sharedStrings.xml", sst_xml)
    return path


def test_one_long_shared_string_referenced_by_thousands_of_cells_is_refused(tmp_path):
    # 1 MiB of text referenced by 5,000 cells: a ~1 MB file that would materialise 5 GB
    sst = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<si><t>事项名称</t></si><si><t>实施编码</t></si><si><t>' + "条" * (1 << 20) + '</t></si></sst>')
    rows = ['<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>']
    rows += [f'<row r="{i}"><c r="A{i}" t="s"><v>2</v></c></row>' for i in range(2, 5002)]
    path = make_xlsx(tmp_path / "amplified.xlsx", NS + "<sheetData>" + "".join(rows) + "</sheetData></worksheet>", sst)
    assert path.stat().st_size < 2 << 20
    r = run("validate", path, "-q")
    assert r.exit_code == 3
    assert str(path) in r.output and "4096 MB" in r.output and "--max-uncompressed-mb" in r.output
    assert "Traceback" not in r.output and "panicked" not in r.output


def test_cells_placed_far_apart_are_refused(tmp_path):
    # A1 and XFD1048576: the reader would allocate 17 billion cells (a Rust abort today)
    sheet = (NS + "<sheetData>" + HEADER + '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is>'
             "</c></row></sheetData></worksheet>")
    path = make_xlsx(tmp_path / "far.xlsx", sheet)
    r = run("validate", path, "-q", "--lang", "en")
    assert r.exit_code == 3
    assert "17,179,869,184 cells" in r.output and "50,000,000" in r.output and "--max-cells" in r.output


def test_highly_compressed_sheet_xml_is_refused_and_the_limit_can_be_raised(tmp_path):
    body = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>事项{i}</t></is></c>'
                   f'<c r="B{i}" t="inlineStr"><is><t>11450721MB15580811400010400200{i % 10}</t></is></c></row>'
                   for i in range(2, 12))
    sheet = NS + "<sheetData>" + HEADER + body + "<!--" + " " * (20 << 20) + "--></sheetData></worksheet>"
    path = make_xlsx(tmp_path / "ratio.xlsx", sheet)
    assert path.stat().st_size < 200_000
    r = run("validate", path, "-q")
    assert r.exit_code == 3 and "xl/worksheets/sheet1.xml" in r.output and "100:1" in r.output
    assert "--max-ratio" in r.output
    r = run("validate", path, "-q", "--max-ratio", "100000", "--fail-on", "never")
    assert r.exit_code == 0, r.output
    with read_options(max_ratio=100000):
        assert validate(str(path)).rows_read == 10


def test_a_part_larger_than_the_limit_is_refused_library_too(tmp_path):
    body = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{"事项" * 400}</t></is></c></row>'
                   for i in range(2, 2000))
    path = make_xlsx(tmp_path / "big.xlsx", NS + "<sheetData>" + HEADER + body + "</sheetData></worksheet>")
    with read_options(max_uncompressed_mb=1):
        try:
            validate(str(path))
            raise AssertionError("not refused")
        except InputError as exc:
            assert exc.key == "archive-part-too-large"
            assert "1 MB" in exc.render("zh") and "--max-uncompressed-mb" in exc.render("zh")
    assert validate(str(path)).rows_read == 1998   # the default limits let it through


def test_real_workbook_reads_unchanged():
    from conftest import CATALOGS

    report = validate(str(CATALOGS / "sample_guides.xlsx"))
    assert report.rows_read > 0


def test_far_cells_with_a_namespace_prefix_are_refused_too(tmp_path):
    ns = '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    sheet = (ns + '<x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>事项名称</x:t></x:is></x:c>'
             '<x:c r="B1" t="inlineStr"><x:is><x:t>实施编码</x:t></x:is></x:c></x:row><x:row r="1048576">'
             '<x:c r="XFD1048576" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>')
    path = make_xlsx(tmp_path / "prefixed.xlsx", sheet)
    try:
        validate(str(path))
        raise AssertionError("not refused")
    except InputError as exc:
        assert exc.key == "archive-too-many-cells" and exc.params["cells"] == "17,179,869,184"


def test_ods_repeats_are_counted_before_reading(tmp_path):
    def make_ods(path, body):
        content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
                   'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                   'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
                   'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
                   '<office:body><office:spreadsheet><table:table table:name="办事指南">' + body +
                   "</table:table></office:spreadsheet></office:body></office:document-content>")
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                       'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                       '<manifest:file-entry manifest:full-path="/" manifest:media-type='
                       '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
            z.writestr("content.xml", content)
        return path

    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    header = "<table:table-row>" + cell.format("事项名称") + cell.format("实施编码") + "</table:table-row>"
    # one row standing for a million rows of 1,000 copies of a 10 kB text: 10 TB once expanded
    bomb = ('<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
            'table:number-columns-repeated="1000" office:value-type="string"><text:p>' + "长" * 3000 +
            "</text:p></table:table-cell></table:table-row>")
    path = make_ods(tmp_path / "repeat.ods", header + bomb)
    r = run("validate", path, "-q")
    assert r.exit_code == 3 and "1,000,000,002 个单元格" in r.output and "--max-cells" in r.output
    # a few rows repeated the way LibreOffice writes them are fine
    ok = make_ods(tmp_path / "ok.ods", header + '<table:table-row table:number-rows-repeated="2">'
                  + cell.format("固定资产投资项目节能审查") + cell.format("11450721MB155808114000104002000")
                  + '<table:table-cell table:number-columns-repeated="1020"/></table:table-row>')
    assert validate(str(ok)).rows_read == 2


def test_a_reference_right_of_the_rightmost_column_is_what_the_quick_search_finds():
    import itertools
    import string

    from validators.read.archive import _col_number, _Patterns

    pat = _Patterns(b"")
    letters = [bytes(t) for n in (1, 2) for t in itertools.product(string.ascii_uppercase.encode(), repeat=n)]
    letters += [b"AAA", b"AZZ", b"XFD", b"ZZY", b"ZZZ"]
    for far in (b"", b"A", b"Z", b"AR", b"AZ", b"ZZ", b"XFD", b"ZZZ"):
        beyond = pat.beyond(far)
        for ref in letters:
            found = beyond.search(b'<row r="3"><c r="' + ref + b'3" t="s">') is not None
            assert found == (_col_number(ref) > _col_number(far) if far else True), (far, ref)
