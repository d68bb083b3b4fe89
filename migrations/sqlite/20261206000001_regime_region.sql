-- Regimes by region (tower-consent): every record keeps the consent regime in force
-- where the visitor was, and the region (ISO 3166-2 such as `US-CA`, or a country),
-- if the layer read one. Records kept before were all made under opt-in.
ALTER TABLE consent_records ADD COLUMN regime TEXT NOT NULL DEFAULT 'opt_in';
ALTER TABLE consent_records ADD COLUMN region TEXT;
