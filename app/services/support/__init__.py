"""Support at home: telecare equipment (and its tests), and the personal budget."""
