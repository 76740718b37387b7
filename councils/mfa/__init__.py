"""Second factors at sign-in: authenticator apps (TOTP), passkeys (WebAuthn) and recovery codes.

`services` changes devices, `forms` parses codes, `views` are the set-up and sign-in pages, and
`middleware` keeps whoever still owes a second factor on those pages.
"""
