"""One item, many channels: pair a reference 实施清单 with channel exports and measure the 同源率.

Modules: ``normalise`` (per-element comparison keys), ``materials`` (申请材料 as sets), ``fields``
(what is compared and how), ``keys`` (item keys and the pairing index), ``source`` (reading a source,
comparing columns), ``compare`` (streaming a channel against the reference), ``rates`` (summary and
同源率), ``findings`` (the rules), ``run`` (:func:`compare_sources`), ``writers`` (the diff as a
terminal view, XLSX and CSV).
"""
