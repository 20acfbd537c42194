"""The promise is entered in the admin, with its signatories and commitments."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(administrator):
    """An administrator with the admin flags, past the second factor."""
    administrator.user.is_staff = administrator.user.is_superuser = True
    administrator.user.save()
    return administrator


def test_the_admin_lists_and_opens_a_promise(admin_client, promise):
    page = admin_client.get("/admin/followup/promise/").content.decode()
    assert promise.title in page
    page = admin_client.get(f"/admin/followup/promise/{promise.pk}/change/").content.decode()
    assert "Grannsamverkan" in page and "Karin Öberg" in page
