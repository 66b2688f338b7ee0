"""Every `<int:...>` segment of every URL stops at webapp.params.MAX_ID (2**31-1, the largest INTEGER, the id columns' type): a
larger number, however many digits, is the ordinary 404 page, never a server error."""
import pytest

from webapp.params import MAX_ID
from tests.webpage import login

HUGE = ["99999999999999999999", str(2 ** 63), str(MAX_ID + 1), "9" * 5000]
SIGNED_IN_PAGES = ["/my/cases/{n}", "/documents/{n}", "/workbench/tasks/{n}"]


@pytest.mark.parametrize("number", HUGE)
def test_a_huge_article_id_on_the_portal_is_not_found(client, number):
    assert client.get(f"/articles/{number}").status_code == 404


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_a_huge_id_in_a_signed_in_page_is_not_found(client, users, path, number):
    login(client, "haiyun" if path.startswith("/my") else "clerk")
    response = client.get(path.format(n=number))
    assert response.status_code == 404


def test_the_largest_id_is_still_looked_up_and_simply_not_found(client, users):
    login(client, "haiyun")
    assert client.get(f"/my/cases/{MAX_ID}").status_code == 404
    assert client.get(f"/articles/{MAX_ID}").status_code == 404


def test_a_huge_id_in_the_api_is_a_not_found_problem(client, db):
    response = client.get("/api/v1/tasks/99999999999999999999")
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"
