"""Exchange formats of the services directory: Open Referral HSDS."""
