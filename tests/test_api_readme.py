"""The README's API example, run as written: each `curl` line of the block after the api-example
marker, with real curl against the app served over HTTP, as an account with a fresh token."""

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import make_token, personal_ledger_id
from tests.e2e.server import LiveServer

README = Path(__file__).resolve().parent.parent / "README.md"
DOCUMENTED_BASE = "http://127.0.0.1:5000"


def readme_curl_lines() -> list[str]:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- api-example:.*?-->\s*```sh\n(.*?)```", text, re.S)
    assert block, "the README has no api-example block"
    return [line for line in block.group(1).splitlines() if line.startswith("curl ")]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_readme_curl_example_works_as_written(app, user):
    token = make_token(app, user.id)
    lines = readme_curl_lines()
    outputs = []
    with LiveServer(app) as server:
        for line in lines:
            argv = shlex.split(line.replace("$TOKEN", token).replace(DOCUMENTED_BASE, server.url))
            result = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=True)
            outputs.append(json.loads(result.stdout))
    assert [line.split()[-1].removeprefix(DOCUMENTED_BASE) for line in lines] == ["/api/v1/me", "/api/v1/ledgers"]
    me, ledgers = outputs
    assert me["email"] == "alice@example.com"
    assert me["token"]["scope"] == "write"
    assert ledgers["items"][0]["id"] == personal_ledger_id(app, user.id)
    assert ledgers["items"][0]["monthly_budget"] == {"amount": "80000.00", "currency": "INR"}
