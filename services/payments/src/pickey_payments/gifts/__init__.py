"""Gift memberships (bought for an e-mail address, redeemed once by code) and comps (free
months a creator gives a fan)."""
