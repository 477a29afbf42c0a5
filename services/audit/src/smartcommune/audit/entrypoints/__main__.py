from .cli import app

app(prog_name="smartcommune-audit")
