import pytest


@pytest.mark.django_db
def test_oversized_request_is_refused_with_a_swedish_page(client):
    response = client.post(
        "/rapportera/",
        data=b"x",
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(64 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "högst 3 bilder" in response.content.decode()


@pytest.mark.django_db
def test_csrf_failure_page_explains_in_swedish():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/rapportera/", {"description": "x"})
    assert response.status_code == 403
    assert "Formuläret hann gå ut" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/personal/lagesbild/import/", "/arjeplog/personal/lagesbild/import/"]
)
@pytest.mark.django_db
def test_an_oversized_staff_file_is_told_the_file_limit_not_the_photos(client, path, settings):
    settings.INCIDENT_IMPORT_MAX_BYTES = 20 * 1024 * 1024
    response = client.post(
        path,
        data=b"x",
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(64 * 1024 * 1024),
    )
    page = response.content.decode()
    assert response.status_code == 413
    assert "högst 20 MB" in page and "bilder" not in page
