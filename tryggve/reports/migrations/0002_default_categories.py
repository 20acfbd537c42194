from django.db import migrations

CATEGORIES = [
    ("belysning", "Belysning", "Lighting", "Trasig eller saknad belysning, mörka platser",
     "Broken or missing lights, dark places", 14),
    ("vegetation", "Vegetation och sly", "Vegetation", "Buskar, sly och träd som behöver röjas",
     "Bushes and trees that need clearing", 30),
    ("skymd-sikt", "Skymd sikt och gömställen", "Poor visibility and hiding places",
     "Platser där man inte syns eller inte ser vem som finns där",
     "Places where you cannot see or be seen", 30),
    ("skadegorelse", "Skadegörelse och klotter", "Vandalism and graffiti",
     "Sönderslaget, förstört eller klottrat", "Broken, destroyed or sprayed", 14),
    ("nedskrapning", "Nedskräpning", "Litter", "Skräp, glas och sopor", "Rubbish, glass and waste", 14),
    ("trafikmiljo", "Trafikmiljö", "Traffic environment",
     "Övergångsställen, gångvägar och cykelvägar som känns osäkra",
     "Crossings, footpaths and cycle paths that feel unsafe", 30),
    ("annat", "Annat", "Other", "Något annat i den fysiska miljön", "Something else in the surroundings", 30),
]


def create(apps, schema_editor):
    Category = apps.get_model("reports", "Category")
    for order, (slug, sv, en, help_sv, help_en, days) in enumerate(CATEGORIES):
        Category.objects.get_or_create(slug=slug, defaults={
            "name_sv": sv, "name_en": en, "help_sv": help_sv, "help_en": help_en,
            "target_days": days, "order": order,
        })


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
