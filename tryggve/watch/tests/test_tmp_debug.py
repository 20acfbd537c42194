import pytest
from tryggve.watch.tests.test_browser_watch import *  # noqa
pytestmark = pytest.mark.browser

def test_debug(open_page, staff_page, make_staff, watch_scene):
    police = make_staff("p", "police_officer")
    for slug in (watch_scene["active"].slug, watch_scene["gathering"].slug):
        staff = staff_page(police, phone=True, path=f"/personal/grannsamverkan/{slug}/")
        print(staff.evaluate("""() => { const w = document.documentElement.clientWidth; const out = [];
          for (const el of document.querySelectorAll('body *')) { const r = el.getBoundingClientRect();
            if (r.right > w + 1) out.push(el.tagName + '.' + el.className + '#' + el.id + ' ' + Math.round(r.right) + ' ' + (el.textContent||'').slice(0,40)); }
          return out.slice(0, 15).join('\\n'); }"""))
