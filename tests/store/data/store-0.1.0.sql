-- A progress store made by release 0.1.0 of the toolkit, before the schema had migrations.
-- The schema and records are as that release wrote them (sqlite3 .dump).
BEGIN TRANSACTION;
CREATE TABLE attempts (
	id INTEGER NOT NULL, 
	learner_id INTEGER NOT NULL, 
	scenario_id VARCHAR(80) NOT NULL, 
	content_version VARCHAR(64) NOT NULL, 
	started_at DATETIME NOT NULL, 
	completed_at DATETIME, 
	score INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(learner_id) REFERENCES learners (id) ON DELETE CASCADE
);
INSERT INTO "attempts" VALUES(1,1,'former-pupil-message','f375138dcff5b5d8','2026-11-21 23:47:40.228445','2026-11-21 23:47:40.245816',75);
INSERT INTO "attempts" VALUES(2,1,'friend-request-from-pupil','f5cc6c0462acb541','2026-11-21 23:47:40.248041','2026-11-21 23:47:40.254720',75);
INSERT INTO "attempts" VALUES(3,1,'parent-friend-request','b037f3c7f5c22c4c','2026-11-21 23:47:40.256078','2026-11-21 23:47:40.262432',75);
INSERT INTO "attempts" VALUES(4,1,'relative-pupil-niece','509e9be567022fc1','2026-11-21 23:47:40.263993','2026-11-21 23:47:40.275613',75);
INSERT INTO "attempts" VALUES(5,1,'passwords-staffroom-computer','an-older-version','2026-11-21 23:47:40.276987','2026-11-21 23:47:40.280193',50);
INSERT INTO "attempts" VALUES(6,1,'passwords-staffroom-computer','39dc3c2612f6a84c','2026-11-21 23:47:40.281652','2026-11-21 23:47:40.285014',100);
INSERT INTO "attempts" VALUES(7,2,'passwords-staffroom-computer','39dc3c2612f6a84c','2026-11-21 23:47:40.286339',NULL,NULL);
CREATE TABLE choices (
	id INTEGER NOT NULL, 
	attempt_id INTEGER NOT NULL, 
	seq INTEGER NOT NULL, 
	scenario_id VARCHAR(80) NOT NULL, 
	step_id VARCHAR(80) NOT NULL, 
	choice_index INTEGER NOT NULL, 
	outcome VARCHAR(16) NOT NULL, 
	chosen_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (attempt_id, seq), 
	FOREIGN KEY(attempt_id) REFERENCES attempts (id) ON DELETE CASCADE
);
INSERT INTO "choices" VALUES(1,1,1,'former-pupil-message','dm',0,'safe','2026-11-21 23:47:40.234988');
INSERT INTO "choices" VALUES(2,1,2,'former-pupil-message','dm',1,'unsafe','2026-11-21 23:47:40.243611');
INSERT INTO "choices" VALUES(3,2,1,'friend-request-from-pupil','request',0,'safe','2026-11-21 23:47:40.250675');
INSERT INTO "choices" VALUES(4,2,2,'friend-request-from-pupil','request',1,'unsafe','2026-11-21 23:47:40.252834');
INSERT INTO "choices" VALUES(5,3,1,'parent-friend-request','request',0,'safe','2026-11-21 23:47:40.258084');
INSERT INTO "choices" VALUES(6,3,2,'parent-friend-request','request',1,'unsafe','2026-11-21 23:47:40.260422');
INSERT INTO "choices" VALUES(7,4,1,'relative-pupil-niece','first-day',0,'safe','2026-11-21 23:47:40.271250');
INSERT INTO "choices" VALUES(8,4,2,'relative-pupil-niece','first-day',1,'unsafe','2026-11-21 23:47:40.273930');
INSERT INTO "choices" VALUES(9,5,1,'passwords-staffroom-computer','staffroom',2,'risky','2026-11-21 23:47:40.278730');
INSERT INTO "choices" VALUES(10,6,1,'passwords-staffroom-computer','staffroom',0,'safe','2026-11-21 23:47:40.283500');
INSERT INTO "choices" VALUES(11,7,1,'passwords-staffroom-computer','staffroom',1,'unsafe','2026-11-21 23:47:40.288002');
CREATE TABLE classes (
	id INTEGER NOT NULL, 
	name VARCHAR(80) NOT NULL, 
	band VARCHAR(8) NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);
INSERT INTO "classes" VALUES(1,'Year 2 Oak','5-7','2026-11-21 23:47:40.302796');
CREATE TABLE deliveries (
	id INTEGER NOT NULL, 
	class_id INTEGER NOT NULL, 
	lesson_id VARCHAR(80) NOT NULL, 
	content_version VARCHAR(64) NOT NULL, 
	teacher_id INTEGER, 
	delivered_on DATE NOT NULL, 
	recorded_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(class_id) REFERENCES classes (id) ON DELETE CASCADE, 
	FOREIGN KEY(teacher_id) REFERENCES learners (id) ON DELETE SET NULL
);
INSERT INTO "deliveries" VALUES(1,1,'safe-5-7','v1',1,'2026-11-10','2026-11-21 23:47:40.304951');
CREATE TABLE learners (
	id INTEGER NOT NULL, 
	email VARCHAR(254) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	role VARCHAR(32) NOT NULL, 
	start_date DATE NOT NULL, 
	team VARCHAR(80), 
	code_hash VARCHAR(200) NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (email)
);
INSERT INTO "learners" VALUES(1,'ann@school.example','Ann Teacher','teacher','2026-09-01','KS1','scrypt$16384$8$1$07d3e1d74f7a8c0c07b74e61ef42b99a$d8be9ba54c458927d6104dbc19a637c851f3605e1f3d65ae4faf6e54a8c01a36f642da9afb66fb6626b4499d03005e96733d78e3169f5d7f74c59a59f063a9d3','2026-11-21 23:47:40.222403');
INSERT INTO "learners" VALUES(2,'ben@school.example','Ben Support','support','2026-10-01',NULL,'scrypt$16384$8$1$403f602416a3823b676a260b7c2a900b$2e11d006a103fa78a591ef741f68481e1eb791fd7d36bb357cba51567d2fb65417c1176fd6382fb001f18d6fd4f98e92a4f601565023714008606b137daada88','2026-11-21 23:47:40.224018');
INSERT INTO "learners" VALUES(3,'cal@school.example','Cal Volunteer','volunteer','2026-11-01','Office','scrypt$16384$8$1$c6b9b1736faa1e3ecd35ce92d79d43a7$855ed930eecd8244d58a5dab6ddf70e46417a12ddb2fb6aae28ec99d2683cfe1978e724625f642a2747829837c0c8278cb3ce31bf04023dfccce735a039d6eb1','2026-11-21 23:47:40.224632');
CREATE TABLE meta (
	"key" VARCHAR(64) NOT NULL, 
	value VARCHAR(400) NOT NULL, 
	PRIMARY KEY ("key")
);
INSERT INTO "meta" VALUES('school','barley-lane-primary');
CREATE TABLE quiz_answers (
	id INTEGER NOT NULL, 
	quiz_attempt_id INTEGER NOT NULL, 
	slot INTEGER NOT NULL, 
	module_id VARCHAR(80) NOT NULL, 
	question_id VARCHAR(80) NOT NULL, 
	chosen VARCHAR(200) NOT NULL, 
	correct BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (quiz_attempt_id, slot), 
	FOREIGN KEY(quiz_attempt_id) REFERENCES quiz_attempts (id) ON DELETE CASCADE
);
INSERT INTO "quiz_answers" VALUES(1,1,1,'contact','pupil-follow-request','["b"]',0);
INSERT INTO "quiz_answers" VALUES(2,2,1,'contact','report-contact','["a"]',1);
CREATE TABLE quiz_attempts (
	id INTEGER NOT NULL, 
	learner_id INTEGER NOT NULL, 
	module_id VARCHAR(80) NOT NULL, 
	content_version VARCHAR(64) NOT NULL, 
	draw TEXT NOT NULL, 
	started_at DATETIME NOT NULL, 
	submitted_at DATETIME, 
	score INTEGER, 
	passed BOOLEAN, 
	reflection_score FLOAT, 
	reflection_max FLOAT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(learner_id) REFERENCES learners (id) ON DELETE CASCADE
);
INSERT INTO "quiz_attempts" VALUES(1,1,'contact','4d232d1db92cf2b4','[["q1", ["a", "b"]]]','2026-11-21 23:47:40.289414','2026-11-21 23:47:40.293469',20,0,NULL,NULL);
INSERT INTO "quiz_attempts" VALUES(2,1,'contact','4d232d1db92cf2b4','[["q2", ["a", "b"]]]','2026-11-21 23:47:40.295468','2026-11-21 23:47:40.297134',100,1,2.0,2.0);
INSERT INTO "quiz_attempts" VALUES(3,3,'contact','4d232d1db92cf2b4','[]','2026-11-21 23:47:40.300053',NULL,NULL,NULL,NULL,NULL);
CREATE TABLE tallies (
	id INTEGER NOT NULL, 
	delivery_id INTEGER NOT NULL, 
	activity_id VARCHAR(80) NOT NULL, 
	option_id VARCHAR(80) NOT NULL, 
	count INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (delivery_id, activity_id, option_id), 
	FOREIGN KEY(delivery_id) REFERENCES deliveries (id) ON DELETE CASCADE
);
INSERT INTO "tallies" VALUES(1,1,'vote-1','tell',21);
INSERT INTO "tallies" VALUES(2,1,'vote-1','keep',3);
CREATE INDEX ix_attempts_learner_id ON attempts (learner_id);
CREATE INDEX ix_attempts_summary ON attempts (learner_id, scenario_id, completed_at, content_version);
CREATE INDEX ix_quiz_summary ON quiz_attempts (learner_id, module_id, submitted_at, passed, content_version);
CREATE INDEX ix_quiz_attempts_learner_id ON quiz_attempts (learner_id);
CREATE INDEX ix_deliveries_class_id ON deliveries (class_id);
CREATE INDEX ix_choices_outcome ON choices (outcome, scenario_id, step_id, choice_index);
CREATE INDEX ix_quiz_answers_question ON quiz_answers (module_id, question_id, correct);
CREATE INDEX ix_tallies_delivery_id ON tallies (delivery_id);
COMMIT;
