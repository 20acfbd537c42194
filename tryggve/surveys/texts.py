"""Interface texts shared by the survey's pages (the map's messages, the groupings)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def map_texts() -> dict:
    return {
        "chosen": _("Vald plats:"),
        "located": _("Din position:"),
        "locating": _("Hämtar din position …"),
        "locateFailed": _(
            "Vi kunde inte hämta din position. Klicka på kartan eller beskriv platsen med ord."
        ),
        "tilesFailed": _(
            "Kartbilden kunde inte laddas. Du kan ändå välja plats inom "
            "kommungränsen, eller beskriva platsen med ord."
        ),
        "place": _("Plats %(n)s"),
        "active": _("Nu väljer du plats %(n)s. Klicka på kartan."),
        "full": _("Du har markerat tre platser. Välj en plats att ändra med knapparna."),
        "cleared": _("Plats %(n)s är borttagen."),
    }


GROUPING_LABELS = {
    "area": gettext_lazy("Bostadsområde"),
    "age": gettext_lazy("Åldersgrupp"),
    "gender": gettext_lazy("Kön"),
}
