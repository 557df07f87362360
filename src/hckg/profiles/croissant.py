from hckg.profiles.base import Profile


class CroissantProfile(Profile):
    name = "croissant"
    nodes = {}
