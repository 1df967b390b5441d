"""Matching on the pages: the home page section per startup, the mentor's and provider's dashboards, /matches."""


def _page(client, path, lang="en"):
    response = client.get(path, headers={"Accept-Language": lang})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_founder_home_shows_recommendations_per_startup(login, make_mentor, make_listing, make_startup, make_user):
    founder = make_user("founder")
    make_mentor(name="Robo Mentor", sectors=["robotics"], tags=["robotics"], bio="Robot arms.")
    make_listing(title="Actuator manufacturing", category="design_manufacturing", tags=["actuators", "robotics"])
    make_startup(founder, name="Hands Co", sector="robotics", needs="Actuators for robot hands.")
    make_startup(founder, name="Other Co", sector="biotech", needs="Antibody CMC.")
    html = _page(login(founder).client, "/")
    assert "Recommended for Hands Co" in html and "Recommended for Other Co" in html
    assert "Robo Mentor" in html and "Actuator manufacturing" in html and "Works in Robotics" in html
    assert "css/matching.css" in html


def test_mentor_dashboard_and_provider_page_show_startup_matches(login, make_mentor, make_listing, make_provider,
                                                                 make_startup, make_user):
    mentor = make_mentor(sectors=["robotics"], tags=["robotics"], bio="Robots.")
    owner = make_user("provider")
    provider = make_provider(owner, name="Lab One")
    make_listing(provider, title="Robot actuator testing", category="inspection_testing", tags=["actuators"])
    make_startup(name="Hands Co", sector="robotics", needs="Actuator testing for robot hands.")
    assert "Hands Co" in _page(login(mentor).client, "/sessions")
    html = _page(login(owner).client, "/providers/mine")
    assert "Startups that need what Lab One offers" in html and "Hands Co" in html


def test_matches_page_for_each_role(client, login, make_startup, make_user):
    make_startup(name="Solo Co")
    assert client.get("/matches").status_code in (302, 401)
    assert "Smart matches" in _page(login(make_user("investor")).client, "/matches")
    assert "Smart matches" in _page(login(make_user("mentor")).client, "/matches")


def test_recommended_mentor_book_opens_the_week_view(login, make_mentor, make_startup, make_user):
    from app.mentoring import services

    founder = make_user("founder")
    mentor = make_mentor(name="Robo Mentor", sectors=["robotics"], tags=["robotics"], bio="Robot arms.")
    session_type = services.list_session_types(services.profile_for(mentor))[0]
    make_startup(founder, name="Hands Co", sector="robotics", needs="Actuators for robot hands.")
    client = login(founder).client
    html = _page(client, "/")
    href = f"/mentors/{mentor.id}#book-h"
    assert f'href="{href}"' in html and f"/mentors/{mentor.id}/book\"" not in html
    week_view = _page(client, href.split("#")[0])
    assert 'id="book-h"' in week_view and f"/mentors/{mentor.id}/book?type={session_type.id}" in week_view
