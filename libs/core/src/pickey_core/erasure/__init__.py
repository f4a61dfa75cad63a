"""The right to erasure (GDPR art. 17): where a person's data lives and how every copy goes.

:mod:`.registry` classifies every table and every text or JSON column (a test fails when a model
gains one it does not classify); :mod:`.procedure` erases or anonymises each copy in the caller's
transaction, table by table as the registry says; :mod:`.suppressions` keeps the one thing the
law lets us keep about an erased address: a keyed hash, so a complaint is still honoured.
"""
