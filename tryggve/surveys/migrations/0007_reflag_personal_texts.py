"""Check the stored free texts again with the stricter `privacy.looks_personal` (first names
in any case, a first name and a surname-like word, a -sson surname alone).

Only raises flags: the new rule flags everything the old one did, and a flag is never
lowered here. Each response with a newly flagged answer gets `has_flagged_text` too.
Run again by hand (the rule may grow): `manage.py migrate surveys 0006` and back, or the
same loop in a shell."""

from django.db import migrations

BATCH = 2000


def reflag(apps, schema_editor):
    from tryggve.surveys.privacy import looks_personal

    Answer = apps.get_model("surveys", "Answer")
    Response = apps.get_model("surveys", "Response")
    candidates = (
        Answer.objects.filter(flagged=False)
        .exclude(text="", place_text="")
        .values_list("pk", "response_id", "text", "place_text")
        .order_by("pk")
    )
    answer_ids, response_ids = [], set()
    for pk, response_id, text, place_text in candidates.iterator(chunk_size=BATCH):
        if looks_personal(text) or looks_personal(place_text):
            answer_ids.append(pk)
            response_ids.add(response_id)
    for start in range(0, len(answer_ids), BATCH):
        Answer.objects.filter(pk__in=answer_ids[start : start + BATCH]).update(flagged=True)
    ordered = sorted(response_ids)
    for start in range(0, len(ordered), BATCH):
        Response.objects.filter(pk__in=ordered[start : start + BATCH]).update(has_flagged_text=True)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0006_response_repeat_from_address")]

    operations = [migrations.RunPython(reflag, migrations.RunPython.noop)]
