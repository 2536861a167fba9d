import pytest


@pytest.mark.django_db
def test_annotator_tags_a_span_and_sees_it(document, members, client_for):
    client = client_for(members["annotator"])
    paragraph = document.paragraphs.get(position=0)
    response = client.post(
        "/api/tags/",
        {"paragraph": paragraph.pk, "start": 0, "end": 11, "kind": "claim"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["quote"] == "Cooperation"
    listed = client.get(f"/api/tags/?document={document.pk}").json()
    assert listed["count"] == 1
