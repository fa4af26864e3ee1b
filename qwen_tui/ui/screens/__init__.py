"""One module per screen; each loads its stylesheet from the top-level `screens/` folder."""
