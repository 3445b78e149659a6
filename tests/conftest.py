"""Shared fixtures: real records from domain.md §8 and helpers to write real-shaped inputs."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ROOT / "catalogs"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The bundled channel samples (catalogs/SOURCES.md): a reference and two channels.
SOURCES_REF = str(CATALOGS / "sources_reference.csv")
SOURCES_APP = str(CATALOGS / "sources_channel_app.json")
SOURCES_HALL = str(CATALOGS / "sources_channel_hall.xlsx")


@pytest.fixture(scope="session")
def sources():
    """``compare_sources`` of the bundled samples, computed once for every test that reads it."""
    from validators.channels.run import compare_sources

    return compare_sources(SOURCES_REF, [SOURCES_APP, SOURCES_HALL])


def run(*args):
    """The CLI as a person runs it (in process): arguments as strings, click's result back."""
    import cli
    from click.testing import CliRunner

    return CliRunner().invoke(cli.main, [str(a) for a in args])


# The four Guangxi 灵山县 实施清单 records (domain.md §8.1), with the elements a guide export carries.
_COMMON = {"area_code": "450721", "exercise_levels": "4", "implementing_body_nature": "1", "power_source": "1",
           "is_fee_charged": "0", "legal_time_limit_unit": "1", "promised_time_limit_unit": "1",
           "is_online": "0", "is_express_supported": "1"}
GUANGXI = {
    "A": {**_COMMON, "item_name": "固定资产投资项目节能审查", "catalog_code": "000104002000",
          "task_code": "11450721MB155808114000104002000", "implementing_body": "灵山县行政审批局",
          "implementing_body_code": "11450721MB15580811", "item_type": "01", "case_type": "2",
          "legal_time_limit": "20", "promised_time_limit": "5", "onsite_visits": "1", "onsite_reason": "须现场核验材料",
          "handling_forms": "1,2", "service_targets": "2,3,4,6", "online_depth": "6,1",
          "handling_location": "灵山县三海街道江南路5号县政务服务中心法人大厅工程建设项目综合窗口（县卫生监督所一楼）。",
          "handling_hours": "工作日：上午9:00-12:00、下午14：00-17:00",
          "consultation_channel": "0777—6428820", "complaint_channel": "0777—6428880",
          "legal_basis": "《固定资产投资项目节能审查办法》(2016年国家发改委令第44号)第三条",
          "handling_process": "受理→审查→决定→送达", "acceptance_conditions": "项目已按规定编制节能报告",
          "materials": "申请书；节能报告"},
    "B": {**_COMMON, "item_name": "政府投资项目审批——可行性研究报告审批", "catalog_code": "452004020000",
          "task_code": "1145072100811537184452004020000", "implementing_body": "灵山县发展和改革局",
          "implementing_body_code": "114507210081153718", "item_type": "20", "case_type": "2",
          "legal_time_limit": "20", "promised_time_limit": "5", "onsite_visits": "1", "onsite_reason": "现场核验材料",
          "handling_forms": "1,2", "service_targets": "3,6", "online_depth": "3,6",
          "handling_location": "灵山县三海街道江南路5号县政务服务中心法人大厅②工程建设项目综合窗口（县卫生监督所一楼）",
          "handling_hours": "工作日：上午9:00-12:00，下午14:00-17:00，法定节假日除外。",
          "consultation_channel": "0777—6428820", "complaint_channel": "0777—6428880",
          "legal_basis": "《国务院关于投资体制改革的决定》（国发〔2004〕20号）第三条第四款",
          "handling_process": "受理→审查→决定→送达", "acceptance_conditions": "项目建议书已批复",
          "materials": "项目可行性研究报告；社会稳定风险评估意见"},
    "C": {**_COMMON, "item_name": "全民健身设施拆迁或者改变用途批准", "catalog_code": "001033002000",
          "task_code": "11450721348531435D4001033002000", "implementing_body": "灵山县文化广电体育和旅游局",
          "implementing_body_code": "11450721348531435D", "item_type": "10", "case_type": "2",
          "legal_time_limit": "66", "legal_time_limit_note": "受理之日起20个工作日。",
          "promised_time_limit": "24", "promised_time_limit_note": "受理之日起1个工作日。",
          "onsite_visits": "1", "onsite_reason": "现场核查材料", "handling_forms": "1,2,3",
          "service_targets": "1,2,3,4", "online_depth": "1,2,3", "is_online": "1", "online_url": "无",
          "handling_location": "灵山县三海街道江南路12号政务服务中心二楼综合窗口11",
          "handling_hours": "工作日：上午9:00-12:00、下午14:00-17:00，法定节假日除外。",
          "consultation_channel": "0777-6428913", "complaint_channel": "0777-6428880",
          "legal_basis": "根据《全民健身法》", "handling_process": "受理→审查→决定→送达",
          "acceptance_conditions": "确需拆迁或改变用途", "materials": "申请书"},
    "D": {**_COMMON, "item_name": "在宗教活动场所内改建或者新建建筑物审批", "catalog_code": "000141005000",
          "task_code": "11450721MB155808114000141005000", "implementing_body": "灵山县行政审批局",
          "implementing_body_code": "11450721MB15580811", "item_type": "01", "case_type": "2",
          "legal_time_limit": "20", "promised_time_limit": "10", "onsite_visits": "1", "onsite_reason": "核验原件",
          "handling_forms": "1,2", "service_targets": "1,9", "online_depth": "9",
          "handling_location": "灵山县三海街道江南路12号县政务服务中心二楼④⑤⑥综合窗口",
          "handling_hours": "工作日：上午9:00-12:00、下午2:00-5:00",
          "consultation_channel": "0777-6428001", "complaint_channel": "0777-6428880",
          "legal_basis": "《宗教事务条例》第三十三条", "handling_process": "受理→审核→审批→送达",
          "acceptance_conditions": "宗教活动场所依法登记", "materials": "申请书；建设方案"},
}


def write_csv(path: Path, records: list[dict], *, encoding: str = "utf-8", labels: bool = True,
              prefix_rows: list[list[str]] | None = None) -> Path:
    """Write canonical records as a CSV with Chinese header labels (like a real export)."""
    from validators.core.schema import elements

    cols = list(dict.fromkeys(k for r in records for k in r))
    header = [elements()[c].title if labels and c in elements() else c for c in cols]
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        for row in prefix_rows or []:
            w.writerow(row)
        w.writerow(header)
        for r in records:
            w.writerow([r.get(c, "") for c in cols])
    return path


@pytest.fixture
def guangxi():
    return {k: dict(v) for k, v in GUANGXI.items()}


def found(report, row=None):
    """(row, code, field) triples of a report, optionally for one row."""
    return {(f.row, f.code, f.field) for f in report.findings() if row is None or f.row == row}
