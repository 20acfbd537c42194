from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "tryggve.lib"
    label = "lib"
