from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Seeds the Arvidsjaur demo. It sits above every other app and nothing imports it."""

    name = "tryggve.demo"
    label = "demo"
