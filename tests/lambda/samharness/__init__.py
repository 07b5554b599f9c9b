"""Run the functions of template.yaml the way Lambda would, without Docker.

`sam local invoke` needs Docker, which these machines lack. This package does the
parts that matter for our code: read each function's Handler, CodeUri, Layers and
Environment from the template (Globals merged, intrinsics resolved), give the
process the import path Lambda gives it (`/var/task` first, then each layer as
`/opt/python`), the environment Lambda sets, and moto in place of AWS; then either
call the Python handler with an event, or, for the web adapter, start the handler
script and translate events into HTTP requests as the adapter does.
"""
