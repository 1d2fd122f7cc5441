"""The Lambda entry points, one module per function (``quotapilot.handlers.<function>``).

They ship inside the package so a plain ``pip install quotapilot`` can build every function's
deployment package; each module is copied to the root of its zip as ``handler.py``, which is
what the deployed functions name (``handler.handler``).
"""
