CREATE INDEX requests_by_requester_email ON requests (requester_email_key);
DROP INDEX requests_by_requester_status;
