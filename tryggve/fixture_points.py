"""Points inside and outside the demo geography, shared by the test fixtures and tests.

Its own module so that `conftest` and `browser_fixtures` both import it without importing
each other (the layering test forbids import cycles).
"""

CENTRUM = (65.5900, 19.1800)  # lat, lon in Arvidsjaur centre
OUTSIDE = (59.3293, 18.0686)  # Stockholm
