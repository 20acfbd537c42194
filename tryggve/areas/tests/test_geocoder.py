"""The place search against a local fake Nominatim server (never the real one)."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from tryggve.areas.geocoder import MAX_QUERY, place_search

# Inside Arvidsjaur municipality, and one outside it (Piteå) that bounded=1 might let slip.
INSIDE = {"lat": "65.5893", "lon": "19.1712", "display_name": "Garvaregatan, Centrum, Arvidsjaur, Norrbottens län, Sverige", "name": "Garvaregatan"}  # noqa: E501
OUTSIDE = {"lat": "65.3172", "lon": "21.4794", "display_name": "Garvaregatan, Piteå, Sverige", "name": "Garvaregatan"}  # noqa: E501


class FakeNominatim(BaseHTTPRequestHandler):
    requests: list[dict] = []
    answer: object = [INSIDE, OUTSIDE]

    def do_GET(self):  # noqa: N802 (http.server's name)
        parts = urlsplit(self.path)
        FakeNominatim.requests.append(
            {
                "path": parts.path,
                "query": parse_qs(parts.query),
                "agent": self.headers["User-Agent"],
            }
        )
        body = json.dumps(FakeNominatim.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def nominatim(settings):
    """A Nominatim on 127.0.0.1 serving canned JSON; GEOCODER_URL points at it."""
    FakeNominatim.requests = []
    FakeNominatim.answer = [INSIDE, OUTSIDE]
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.GEOCODER_URL = f"http://127.0.0.1:{server.server_port}"
    yield FakeNominatim
    server.shutdown()
    server.server_close()


@pytest.fixture
def unreachable(settings):
    """A GEOCODER_URL on a local port where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.GEOCODER_URL = f"http://127.0.0.1:{port}"
    settings.GEOCODER_TIMEOUT = 2


def test_known_streets_and_areas_answer_without_any_geocoder(streets, settings):
    settings.GEOCODER_URL = ""
    result = place_search(query="torg", client="1.2.3.4")
    # Names that start with the query come first.
    assert [c.label for c in result.candidates] == ["Torggatan", "Storgatan"]
    assert result.candidates[0].source == "street"
    area = place_search(query="lappstad", client="1.2.3.4").candidates
    assert [c.label for c in area] == ["Lappstaden (bostadsområde)", "Lappstadsgatan"]


def test_the_geocoder_is_asked_as_nominatim_expects_and_kept_to_the_municipality(
    streets, nominatim, settings
):
    result = place_search(query="Garvaregatan", client="1.2.3.4")
    assert [(c.label, c.source) for c in result.candidates] == [
        ("Garvaregatan, Centrum, Arvidsjaur", "geocoder")
    ]
    assert result.message == ""
    (request,) = nominatim.requests
    assert request["path"] == "/search"
    q = request["query"]
    assert q["q"] == ["Garvaregatan"]
    assert q["format"] == ["jsonv2"]
    assert q["countrycodes"] == ["se"]
    assert q["bounded"] == ["1"]
    min_lon, max_lat, max_lon, min_lat = map(float, q["viewbox"][0].split(","))
    assert min_lon < 19.17 < max_lon and min_lat < 65.59 < max_lat
    assert request["agent"] == settings.GEOCODER_USER_AGENT


def test_answers_are_cached(municipality, nominatim):
    first = place_search(query="Garvaregatan", client="1.2.3.4")
    again = place_search(query="garvaregatan", client="5.6.7.8")
    assert first.candidates == again.candidates
    assert len(nominatim.requests) == 1


def test_each_municipality_caches_its_own_answers(municipality, arjeplog, nominatim):
    """Arvidsjaur's answer (a street in Arvidsjaur) is not Arjeplog's: a resident on
    Arjeplog's form searching the same words gets the geocoder's places inside Arjeplog
    (here none), not Arvidsjaur's, which would route the report to Arvidsjaur."""
    from tryggve.lib import tenancy

    with tenancy.serving("2505"):
        ours = place_search(query="Garvaregatan", client="1.2.3.4")
    assert [c.source for c in ours.candidates] == ["geocoder"]
    with tenancy.serving("2506"):
        theirs = place_search(query="Garvaregatan", client="1.2.3.4")
    assert theirs.candidates == []
    assert len(nominatim.requests) == 2
    arjeplog_box = nominatim.requests[1]["query"]["viewbox"][0]
    assert float(arjeplog_box.split(",")[0]) < 17.89 < float(arjeplog_box.split(",")[2])


def test_while_typing_only_known_places_answer(streets, nominatim):
    result = place_search(query="Garvaregatan", client="1.2.3.4", known_only=True)
    assert result.candidates == []
    assert nominatim.requests == []


def test_one_address_cannot_use_the_geocoder_without_limit(municipality, nominatim, settings):
    settings.GEOCODER_LIMIT_PER_HOUR = 3
    for n in range(3):
        assert place_search(query=f"gata {n}", client="1.2.3.4").message == "", n
    limited = place_search(query="gata 4", client="1.2.3.4")
    assert "Du har sökt många gånger" in limited.message
    assert len(nominatim.requests) == 3
    # Another resident is not affected.
    assert place_search(query="gata 5", client="9.9.9.9").message == ""


def test_the_whole_site_has_a_limit_too(municipality, nominatim, settings):
    settings.GEOCODER_LIMIT_PER_MINUTE = 2
    for n in range(2):
        place_search(query=f"gata {n}", client=f"10.0.0.{n}")
    assert "Du har sökt många gånger" in place_search(query="gata 9", client="10.0.0.9").message
    assert len(nominatim.requests) == 2


def test_a_long_query_is_cut(municipality, nominatim):
    result = place_search(query="Storgatan " * 50, client="1.2.3.4")
    assert len(result.query) <= MAX_QUERY
    assert len(nominatim.requests[0]["query"]["q"][0]) <= MAX_QUERY


def test_an_unreachable_geocoder_gives_a_clear_message_and_known_streets(streets, unreachable):
    result = place_search(query="Torggatan", client="1.2.3.4")
    assert [c.label for c in result.candidates] == ["Torggatan"]
    assert "Adressökningen går inte att nå just nu" in result.message


@pytest.mark.parametrize("answer", [{"error": "nope"}, "not a list", [{"lat": "x"}], [{}]])
def test_odd_answers_give_no_places_and_no_error(municipality, nominatim, answer):
    nominatim.answer = answer
    result = place_search(query="Något", client="1.2.3.4")
    assert result.candidates == []
    assert result.message  # either "unavailable" or "nothing found": always words


def test_too_short_a_query_asks_for_more(municipality, nominatim):
    assert "minst två" in place_search(query=" a ", client="1").message
    assert nominatim.requests == []


def test_the_limit_keeps_no_address_that_can_be_undone(municipality, nominatim):
    """The per-client count is kept under a keyed hash: an unkeyed SHA-256 of an IPv4
    address is reversed by trying every address."""
    import hashlib

    place_search(query="gata 1", client="192.0.2.44")
    plain = hashlib.sha256(b"192.0.2.44").hexdigest()
    keys = [k for k in cache._cache if "geocoder:client:" in k]
    assert keys and not any(plain[:16] in k for k in keys)
