"""The survey's page keys in `accounts.roles.PAGE_PERMISSIONS` (the roles live there)."""

# Case handlers and administrators build surveys, open and close them, type in paper
# answers and read free text; council readers read the lists and the results.
SURVEY_EDIT = "surveys.edit"
SURVEY_READ = "surveys.read"
