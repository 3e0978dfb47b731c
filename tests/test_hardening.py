"""Issue 16 (Medium and Low): what an attack on a running server found, one reproduction each.

Every test here failed on the code before its fix: it sends what the attacker sent and asserts the
exact answer a careful server gives instead.
"""

import pytest

from app.models import Expense, ImportBatch
from tests.conftest import count_rows, post_form
from tests.test_import import DUPLICATES, do_import, upload_ok

# CR/LF and other control characters in `next`


def test_a_line_break_in_next_after_login_redirects_to_the_dashboard(client, auth, user):
    auth.logout()
    assert client.get("/login?next=/%0d%0aSet-Cookie:x=1").status_code == 200
    response = auth.login(next_url="/%0d%0aSet-Cookie:x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "x=1" not in response.headers.getlist("Set-Cookie")


@pytest.mark.parametrize("control", ["\r", "\n", "\t", "\x00", "\x1b", "\x7f"])
def test_control_characters_in_next_are_refused(client, control):
    response = post_form(client, "/theme", {"theme": "dark", "next": f"/expenses{control}Set-Cookie:x=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_is_rebuilt_from_its_parts(client, auth, user):
    response = post_form(client, "/theme", {"theme": "dark", "next": "/expenses?page=2#top"})
    assert response.headers["Location"] == "/expenses?page=2#top"
    auth.logout()
    assert auth.login(next_url="/reports").headers["Location"] == "/reports"


# The import's expected row count


@pytest.mark.parametrize("shown", ["²", "١٢", "4" * 5000, "-1", "1e3", " 4", "4\n", ""])
def test_an_odd_expected_row_count_is_a_clear_400(app, client, user, shown):
    draft_id = upload_ok(client, DUPLICATES)
    response = do_import(client, draft_id, {"default_category": "Other"}, expected=shown)
    assert response.status_code == 400
    assert "This import form is incomplete or was changed." in response.get_data(as_text=True)
    assert count_rows(app, ImportBatch) == 0
    assert count_rows(app, Expense) == 0


def test_the_expected_row_count_the_page_wrote_still_imports(app, client, user):
    draft_id = upload_ok(client, DUPLICATES)
    response = do_import(client, draft_id, {"default_category": "Other"}, expected="4")
    assert response.headers["Location"] == "/imports"
    assert count_rows(app, Expense) == 4
