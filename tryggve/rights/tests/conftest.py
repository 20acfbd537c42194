# The watch app's fixtures for households (an area, a sign-up, a confirmed household).
from tryggve.watch.tests.conftest import (  # noqa: F401
    area,
    join,
    make_area,
    sign_up,
    staff_user,
)
