from hckg.profiles.base import Profile


class SchemaOrgProfile(Profile):
    name = "schemaorg"
    nodes = {}
