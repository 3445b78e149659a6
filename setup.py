"""Build configuration beyond pyproject.toml: the optional C accelerator of the XLSX reader.

``validators.read._xlsxcells`` classifies a sheet block's cells in one pass; without a C compiler
the build skips it (``optional=True``) and the reader uses its numpy scan, which gives the same
cells more slowly.
"""
from setuptools import Extension, setup

setup(ext_modules=[Extension("validators.read._xlsxcells", ["validators/read/_xlsxcells.c"], optional=True,
                             extra_compile_args=["-O2"])])
