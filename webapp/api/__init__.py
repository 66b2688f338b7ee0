"""The JSON API (v1). A placeholder: health and the item list."""
