-- What an address has waiting for confirmation is counted on every
-- submission: the index leads with the address and then the state, so the
-- count reads only that address's requests in that state, with or without
-- planner statistics (a new desk has none). It replaces the index on the
-- address alone, which it also serves.
CREATE INDEX requests_by_requester_status ON requests (requester_email_key, status);
DROP INDEX requests_by_requester_email;
