"""altair chart builders: pure functions, data in, chart out (one module per topic).

Layers are built as ``alt.LayerChart(layer=[...])``, not ``alt.layer(...)``: since altair 6,
``alt.layer`` may return a ``FacetChart`` (it hoists facet channels shared by every layer), and
tailkit's layers carry no facet channel, so the two build the same chart and the first is typed
as the ``LayerChart`` these builders return.
"""
