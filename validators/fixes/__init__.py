"""From "what is wrong" to "here is the corrected file": suggestions on findings and ``sxcheck fix``.

``suggest`` derives what to type instead for a finding (safe, likely or candidates);
``apply`` writes a corrected copy of an input in its own format (CSV keeps its encoding and
delimiter, XLSX keeps its other sheets, header rows, column order and formats) with a change log.
"""
