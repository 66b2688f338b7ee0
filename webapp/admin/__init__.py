"""Administration: items and their published versions. A placeholder until the admin issues land."""
