// Identity (src/modules/identity): API keys and browser sessions are found by the SHA-256 of their secret, local
// accounts by email.
CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.id IS UNIQUE;
CREATE CONSTRAINT api_key_secret_hash IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.secretHash IS UNIQUE;
CREATE CONSTRAINT local_user_id IF NOT EXISTS FOR (u:LocalUser) REQUIRE u.id IS UNIQUE;
CREATE CONSTRAINT local_user_email IF NOT EXISTS FOR (u:LocalUser) REQUIRE u.email IS UNIQUE;
CREATE CONSTRAINT auth_session_hash IF NOT EXISTS FOR (s:AuthSession) REQUIRE s.sessionHash IS UNIQUE;
