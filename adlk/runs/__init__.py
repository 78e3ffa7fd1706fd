"""Recording real runs: table declarations, discovery, the runner, result files and provenance.

Readers never import this package; chapter pages show Keras itself. How a chapter plugs in:

- ``adlk/chNN/experiments.py`` declares ``TABLES = (Table(...), ...)`` (:mod:`adlk.runs.spec`) and one task
  function per table, ``task(run: Run, ctx: RunContext) -> TaskResult`` (:mod:`adlk.runs.context`);
- ``python -m adlk reproduce chNN[/table] [--only ROW ...]`` trains the rows whose result files are missing
  or stale and writes ``docs/results/<cpu|gpu>/chNN/<table>/<row>.json`` (plus small artifacts);
- ``python -m adlk list [chNN]`` shows every row as current / stale / missing;
- ``python -m adlk generate`` renders every table, its figure and provenance line (:mod:`adlk.site.report`).
"""
