-- The subject's id in the company's own systems, as the channel that logged
-- the request gave it: webhooks name the subject by it (holds keep only its
-- keyed hash).
ALTER TABLE requests ADD COLUMN subject_id TEXT;
