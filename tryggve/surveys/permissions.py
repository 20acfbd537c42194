"""Who may do what on the survey's staff pages: kept in one place so that the page
permissions can be moved into `accounts/roles.py` together with the other apps'."""

from tryggve.accounts.roles import Role

# Case handlers and administrators build surveys, open and close them and type in paper
# answers; council readers read the lists and the results.
SURVEY_EDIT_ROLES = (Role.CASE_HANDLER, Role.ADMINISTRATOR)
SURVEY_READ_ROLES = (Role.CASE_HANDLER, Role.ADMINISTRATOR, Role.COUNCIL_READER)
