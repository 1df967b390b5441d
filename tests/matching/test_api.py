"""Matching API: shapes, limits, Chinese reasons, and the SPEC §6 errors."""


def _setup(make_mentor, make_listing, make_startup):
    make_mentor(name="Robo Mentor", sectors=["robotics"], tags=["robotics", "actuators"], bio="Robot arms.")
    make_listing(title="Actuator contract manufacturing", category="design_manufacturing", tags=["actuators"])
    return make_startup(sector="robotics", needs="Actuators for our robot hand.", tags=["robotics"])


def test_startup_recommendations(login, make_mentor, make_listing, make_startup):
    startup = _setup(make_mentor, make_listing, make_startup)
    response = login(startup.owner).get(f"/api/startups/{startup.id}/recommendations?limit=3")
    assert response.status_code == 200
    body = response.get_json()
    assert body["mentors"][0]["mentor"]["name"] == "Robo Mentor" and body["mentors"][0]["reasons"]
    assert 0 < body["mentors"][0]["score"] <= 1 and body["mentors"][0]["next_free_at"]
    assert body["listings"][0]["listing"]["title"] == "Actuator contract manufacturing"


def test_reasons_follow_the_readers_language(login, make_mentor, make_listing, make_startup):
    startup = _setup(make_mentor, make_listing, make_startup)
    response = login(startup.owner).get(f"/api/startups/{startup.id}/recommendations",
                                        headers={"Accept-Language": "zh-CN"})
    reasons = response.get_json()["mentors"][0]["reasons"]
    assert any("机器人" in r for r in reasons), reasons


def test_recommendations_errors(client, login, make_startup, make_user):
    startup = make_startup()
    assert client.get(f"/api/startups/{startup.id}/recommendations").status_code == 401
    outsider = login(make_user("founder"))
    response = outsider.get(f"/api/startups/{startup.id}/recommendations")
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "not_a_member"
    assert outsider.get("/api/startups/999999/recommendations").status_code == 404
    assert login(startup.owner).get(f"/api/startups/{startup.id}/recommendations?limit=0").status_code == 422


def test_mentor_matches(login, make_mentor, make_startup, make_user):
    mentor = make_mentor(sectors=["robotics"], tags=["robotics"], bio="Robots.")
    startup = make_startup(sector="robotics", needs="Robot arm actuators.")
    body = login(mentor).get("/api/mentors/me/matches").get_json()
    assert body["startups"][0]["startup"]["id"] == startup.id and body["startups"][0]["listing"] is None
    assert login(make_user("founder")).get("/api/mentors/me/matches").status_code == 403


def test_provider_matches(login, make_listing, make_provider, make_startup, make_user):
    owner = make_user("provider")
    provider = make_provider(owner)
    listing = make_listing(provider, title="GPU hours", category="compute", tags=["gpu"])
    startup = make_startup(needs="GPU time to train our models.")
    body = login(owner).get(f"/api/providers/{provider.id}/matches").get_json()
    assert body["startups"][0]["startup"]["id"] == startup.id
    assert body["startups"][0]["listing"]["id"] == listing.id
    assert login(make_user("provider")).get(f"/api/providers/{provider.id}/matches").status_code == 403
    assert login(owner).get(f"/api/providers/{startup.id}/matches").status_code == 404
