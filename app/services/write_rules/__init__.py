"""The rules every journalled change must keep, on the laptop and on the server
alike: who may write what (write_policy), and whether a row is valid (row_validity)."""
