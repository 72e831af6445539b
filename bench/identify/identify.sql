-- DuckDB reference for `careloop identify` (issue #5): the derivations of notes/IDENT-SPEC.md
-- and the "met" logic of the claims- and indicator-reachable Populations of Focus in
-- docs/eligibility.md §4 (1a, 1b, 2, 3, 4, 5, 6, 7, 8, 9). Only MET is computed: it is what the
-- benchmark compares. Enrollment exclusions are not part of "meets a POF".
--
-- duckdb_identify.py fills in ${...}: file paths, the column lists read from each file's own
-- header (every column VARCHAR: dates are parsed here so that a bad value makes an error row,
-- not a failed load), ${as_of} and the avoidable-ED prefix list.

CREATE OR REPLACE MACRO ok_date(s) AS (s IS NULL OR try_strptime(s, '%Y-%m-%d') IS NOT NULL);
CREATE OR REPLACE MACRO to_date(s) AS (try_strptime(s, '%Y-%m-%d')::DATE);
CREATE OR REPLACE MACRO norm_dx(s) AS (nullif(upper(replace(trim(s), '.', '')), ''));

-- Windows (docs/eligibility.md §3): the same day N months earlier, both ends inclusive.
CREATE OR REPLACE TABLE p AS
SELECT DATE '${as_of}' AS as_of,
       (DATE '${as_of}' - INTERVAL 6 MONTH)::DATE AS w6,
       (DATE '${as_of}' - INTERVAL 10 MONTH)::DATE AS w10,
       (DATE '${as_of}' - INTERVAL 12 MONTH)::DATE AS w12;

CREATE OR REPLACE TABLE avoidable(prefix VARCHAR);
INSERT INTO avoidable SELECT unnest(${avoidable_list});

-- Eligibility: only the birth date matters for POF met (age 21 rule, ages 18/26 of POF 8).
CREATE OR REPLACE TABLE person AS
SELECT person_id, max(to_date(birth_date)) AS birth_date
FROM read_csv('${eligibility}', header = true, auto_detect = false, columns = ${eligibility_columns},
              ignore_errors = true)
WHERE coalesce(person_id, '') <> ''
  AND ok_date(birth_date) AND ok_date(enrollment_start_date) AND ok_date(enrollment_end_date)
  AND enrollment_start_date IS NOT NULL
  AND (enrollment_end_date IS NULL OR to_date(enrollment_end_date) >= to_date(enrollment_start_date))
GROUP BY person_id;

-- Claim lines that are not error rows, with their service date, in the 12-month look-back
-- (claims dated after as_of are ignored).
CREATE OR REPLACE TABLE line AS
WITH raw AS (
  SELECT *
  FROM read_csv('${claims}', header = true, auto_detect = false, columns = ${claims_columns},
                ignore_errors = true)
), valid AS (
  SELECT * FROM raw
  WHERE coalesce(person_id, '') <> ''
    AND ok_date(claim_start_date) AND ok_date(claim_end_date) AND ok_date(claim_line_start_date)
    AND ok_date(admission_date) AND ok_date(discharge_date)
    AND (diagnosis_code_type IS NULL OR lower(diagnosis_code_type) = 'icd-10-cm')
)
SELECT claim_id, person_id, lower(claim_type) AS claim_type,
       coalesce(to_date(claim_line_start_date), to_date(claim_start_date)) AS service_date,
       to_date(claim_start_date) AS claim_start, to_date(claim_end_date) AS claim_end,
       to_date(admission_date) AS admission, to_date(discharge_date) AS discharge,
       admit_type_code, place_of_service_code, revenue_center_code, hcpcs_code,
       CASE WHEN length(bill_type_code) = 4 AND bill_type_code LIKE '0%' THEN substr(bill_type_code, 2)
            ELSE bill_type_code END AS bill_type,
       norm_dx(diagnosis_code_1) AS dx1,
       [norm_dx(d) FOR d IN [diagnosis_code_1, diagnosis_code_2, diagnosis_code_3, diagnosis_code_4,
         diagnosis_code_5, diagnosis_code_6, diagnosis_code_7, diagnosis_code_8, diagnosis_code_9,
         diagnosis_code_10, diagnosis_code_11, diagnosis_code_12, diagnosis_code_13,
         diagnosis_code_14, diagnosis_code_15, diagnosis_code_16, diagnosis_code_17,
         diagnosis_code_18, diagnosis_code_19, diagnosis_code_20, diagnosis_code_21,
         diagnosis_code_22, diagnosis_code_23, diagnosis_code_24, diagnosis_code_25]
        IF d IS NOT NULL] AS dx
FROM valid, p
WHERE coalesce(to_date(claim_line_start_date), to_date(claim_start_date)) BETWEEN p.w12 AND p.as_of;

-- Diagnoses per line, with the spec's condition groups (derivations 4-6).
CREATE OR REPLACE TABLE dx AS
SELECT person_id, service_date, code,
       code IN ('Z590', 'Z5900', 'Z5901', 'Z5902') AS homeless,
       code LIKE 'O%' OR code LIKE 'Z3A%' AS pregnancy,
       code LIKE 'Z37%' OR code = 'O80' AS delivery,
       substr(code, 1, 3) BETWEEN 'F10' AND 'F19' AS sud,
       substr(code, 1, 3) BETWEEN 'F20' AND 'F31' OR substr(code, 1, 4) IN ('F322', 'F323', 'F331', 'F332', 'F333', 'F603') AS smi,
       substr(code, 1, 3) BETWEEN 'F70' AND 'F79' OR code LIKE 'F840%' OR code LIKE 'Q90%' AS idd,
       code LIKE 'S06%' AS tbi,
       code LIKE 'B20%' OR code LIKE 'Z21%' AS hiv,
       substr(code, 1, 3) BETWEEN 'E08' AND 'E13' OR substr(code, 1, 3) IN ('I50', 'J44', 'J45', 'N18')
         OR substr(code, 1, 3) BETWEEN 'I10' AND 'I16' OR substr(code, 1, 3) BETWEEN 'C00' AND 'C96' AS chronic
FROM (SELECT person_id, service_date, unnest(dx) AS code FROM line);

CREATE OR REPLACE TABLE dx_facts AS
SELECT person_id,
       max(service_date) FILTER (homeless) AS homeless_last,
       max(service_date) FILTER (pregnancy AND service_date >= (SELECT w10 FROM p)) AS pregnancy_last,
       max(service_date) FILTER (delivery) AS delivery_last,
       bool_or(sud) AS sud, bool_or(smi) AS smi, bool_or(idd) AS idd, bool_or(tbi) AS tbi,
       bool_or(hiv) AS hiv, bool_or(chronic) AS chronic
FROM dx GROUP BY person_id;

-- Utilization events (derivations 1-3), one per person per day / per admission.
CREATE OR REPLACE TABLE ed_line AS
SELECT l.*, coalesce((SELECT bool_or(starts_with(l.dx1, a.prefix)) FROM avoidable a), false) AS listed
FROM line l
WHERE revenue_center_code BETWEEN '0450' AND '0459' OR revenue_center_code = '0981'
   OR place_of_service_code = '23' OR hcpcs_code IN ('99281', '99282', '99283', '99284', '99285');

CREATE OR REPLACE TABLE event AS
SELECT person_id, 'ed-visit' AS kind, service_date AS day,
       CASE WHEN bool_or(dx1 IS NOT NULL AND NOT listed) THEN false
            WHEN bool_and(dx1 IS NOT NULL) THEN true END AS avoidable,
       NULL::BOOLEAN AS unplanned, NULL::BOOLEAN AS short_term,
       bool_or(list_bool_or([substr(c, 1, 3) BETWEEN 'F10' AND 'F19' FOR c IN dx])) AS sud_related
FROM ed_line GROUP BY person_id, service_date
UNION ALL
SELECT person_id, kind, day,
       NULL,
       CASE WHEN bool_or(admit_type_code IN ('1', '2', '5')) THEN true
            WHEN bool_or(admit_type_code = '3') THEN false END,
       CASE WHEN max(coalesce(discharge, claim_end)) IS NOT NULL
            THEN max(coalesce(discharge, claim_end)) - day <= 30 END,
       bool_or(list_bool_or([substr(c, 1, 3) BETWEEN 'F10' AND 'F19' FOR c IN dx]))
FROM (SELECT *, CASE WHEN bill_type LIKE '11%' THEN 'inpatient-stay' ELSE 'snf-stay' END AS kind,
             coalesce(admission, claim_start) AS day
      FROM line
      WHERE claim_type = 'institutional' AND (bill_type LIKE '11%' OR bill_type LIKE '21%'))
GROUP BY person_id, kind, day;

CREATE OR REPLACE TABLE counts AS
SELECT person_id,
       count(*) FILTER (kind = 'ed-visit' AND avoidable AND day >= p.w6) AS avoidable_ed_6m,
       count(*) FILTER (kind = 'ed-visit' AND avoidable AND day >= p.w12) AS avoidable_ed_12m,
       count(*) FILTER (unplanned AND (kind = 'inpatient-stay' OR short_term) AND day BETWEEN p.w6 AND p.as_of) AS stays_6m,
       count(*) FILTER (unplanned AND (kind = 'inpatient-stay' OR short_term) AND day BETWEEN p.w12 AND p.as_of) AS stays_12m,
       count(*) FILTER (sud_related AND kind IN ('ed-visit', 'inpatient-stay') AND day BETWEEN p.w12 AND p.as_of) AS sud_events_12m
FROM event, p GROUP BY person_id;

-- member_indicators: valid rows (known kind, parseable dates, end not before start), plus the
-- indicators derived from diagnoses.
CREATE OR REPLACE TABLE ind AS
WITH raw AS (
  SELECT * FROM read_csv('${indicators}', header = true, auto_detect = false,
                         columns = ${indicators_columns}, ignore_errors = true)
)
SELECT person_id, split_part(indicator, ':', 1) AS kind, nullif(split_part(indicator, ':', 2), '') AS qualifier,
       to_date(start_date) AS start, to_date(end_date) AS "end",
       coalesce(lower(status), 'present') = 'present' AS present
FROM raw
WHERE coalesce(person_id, '') <> '' AND start_date IS NOT NULL AND ok_date(start_date) AND ok_date(end_date)
  AND (end_date IS NULL OR to_date(end_date) >= to_date(start_date))
  AND coalesce(lower(status), 'present') IN ('present', 'absent')
  AND split_part(indicator, ':', 1) IN (${indicator_kinds})
UNION ALL
SELECT person_id, 'homelessness', NULL, homeless_last, (homeless_last + INTERVAL 90 DAY)::DATE, true
FROM dx_facts WHERE homeless_last IS NOT NULL
UNION ALL
SELECT person_id, 'pregnancy', NULL, pregnancy_last, (pregnancy_last + INTERVAL 30 DAY)::DATE, true
FROM dx_facts WHERE pregnancy_last IS NOT NULL AND (delivery_last IS NULL OR delivery_last < pregnancy_last)
UNION ALL
SELECT person_id, 'postpartum', NULL, delivery_last, NULL, true FROM dx_facts WHERE delivery_last IS NOT NULL
UNION ALL
SELECT person_id, kind, NULL, (SELECT as_of FROM p), NULL, true
FROM dx_facts, (VALUES ('substance-use-disorder'), ('mental-illness'), ('intellectual-developmental-disability'),
                       ('traumatic-brain-injury'), ('hiv-aids'), ('chronic-condition')) k(kind)
WHERE (kind = 'substance-use-disorder' AND sud) OR (kind = 'mental-illness' AND smi)
   OR (kind = 'intellectual-developmental-disability' AND idd) OR (kind = 'traumatic-brain-injury' AND tbi)
   OR (kind = 'hiv-aids' AND hiv) OR (kind = 'chronic-condition' AND chronic);
-- (The derived condition indicators start on their first date in the look-back; any start in
-- the look-back is on or before as_of with an open end, so "present on as_of" is all that
-- matters and as_of stands in for it.)

-- Per person and kind, what the engine's three-valued reading gives (docs/eligibility.md §2):
-- now = a present record covers as_of; in12 = one overlaps the 12-month window;
-- not_now = NOT met on as_of AND (an absent record covers as_of OR a present one ended before).
CREATE OR REPLACE TABLE kind_state AS
SELECT person_id, kind,
       bool_or(present AND start <= p.as_of AND ("end" IS NULL OR "end" >= p.as_of)) AS now,
       bool_or(present AND start <= p.as_of AND ("end" IS NULL OR "end" >= p.w12)) AS in12,
       bool_or(start <= p.as_of AND ((NOT present AND ("end" IS NULL OR "end" >= p.as_of))
                                     OR (present AND "end" < p.as_of))) AS negative,
       bool_or(present AND start BETWEEN p.w12 AND p.as_of) AS started_12m,
       bool_or(present AND kind = 'homelessness' AND start <= p.as_of AND ("end" IS NULL OR "end" >= p.as_of)
               AND coalesce(qualifier, '') <> 'imminent-loss-of-housing') AS homeless_now,
       bool_or(present AND start BETWEEN p.w12 AND (p.as_of + INTERVAL 90 DAY)::DATE) AS released_any,
       bool_or(present AND start BETWEEN p.w12 AND (p.as_of + INTERVAL 90 DAY)::DATE
               AND qualifier = 'youth-correctional-facility') AS released_youth,
       bool_or(present AND start <= (p.as_of - INTERVAL 60 DAY)::DATE AND ("end" IS NULL OR "end" >= p.as_of)) AS nf_60
FROM ind, p GROUP BY person_id, kind;

CREATE OR REPLACE TABLE f AS
WITH k AS (
  SELECT person_id,
    bool_or(kind = 'homelessness' AND homeless_now) AS homeless,
    bool_or(kind = 'complex-need' AND now) AS complex_need,
    bool_or(kind = 'living-with-dependent-children' AND now) AS lwdc,
    bool_or(kind = 'living-with-dependent-children' AND NOT now AND negative) AS lwdc_not,
    bool_or(kind = 'couch-surfing' AND now) AS couch,
    bool_or(kind = 'temporary-lodging' AND now) AS lodging,
    bool_or(kind = 'smhs-criteria-met' AND now) AS smhs,
    bool_or(kind = 'dmc-criteria-met' AND now) AS dmc,
    bool_or(kind = 'complex-social-risk-factor' AND now) AS csrf,
    bool_or(kind = 'high-risk-overdose-suicide-institutionalization' AND now) AS high_risk,
    bool_or(kind = 'reliance-on-crisis-services' AND now) AS crisis,
    bool_or(kind = 'pregnancy' AND now) AS pregnant,
    bool_or(kind = 'postpartum' AND started_12m) AS postpartum,
    bool_or(kind = 'release-from-incarceration' AND released_any) AS released_any,
    bool_or(kind = 'release-from-incarceration' AND released_youth) AS released_youth,
    bool_or(kind IN ('mental-illness', 'substance-use-disorder', 'chronic-condition',
                     'intellectual-developmental-disability', 'traumatic-brain-injury', 'hiv-aids') AND now) AS condition,
    bool_or(kind = 'ltc-qualifying-factors' AND now) AS ltc,
    bool_or(kind = 'lower-acuity-skilled-nursing-need' AND now) AS lasn,
    bool_or(kind = 'complex-social-environmental-factor' AND now) AS csef,
    bool_or(kind = 'adl-iadl-needs' AND now) AS adl,
    bool_or(kind = 'able-to-live-in-community' AND now) AS able,
    bool_or(kind = 'nursing-facility-stay' AND now) AS nf,
    bool_or(kind = 'nursing-facility-stay' AND nf_60) AS nf_60,
    bool_or(kind = 'interest-in-leaving-nf' AND now) AS interest,
    bool_or(kind = 'likely-candidate' AND now) AS likely,
    bool_or(kind = 'likely-candidate' AND NOT now AND negative) AS likely_not,
    bool_or(kind = 'decision-making-capacity' AND now) AS capacity,
    bool_or(kind = 'caregiver-or-ihss-support' AND now) AS caregiver,
    bool_or(kind = 'adl-iadl-manageable-in-community' AND now) AS adl_ok,
    bool_or(kind = 'ccs' AND now) AS ccs,
    bool_or(kind = 'ccs-wcm' AND now) AS ccs_wcm,
    bool_or(kind = 'foster-care' AND in12) AS foster_12m,
    bool_or(kind = 'adoption-assistance' AND now) AS adoption,
    bool_or(kind = 'family-maintenance' AND in12) AS family_maintenance,
    bool_or(kind = 'racial-ethnic-disparity-group' AND now) AS disparity
  FROM kind_state GROUP BY person_id
), fc AS (
  -- Foster care overlapping [18th birthday, as_of] (aged out of foster care, POF 8).
  SELECT i.person_id, bool_or(i.present AND i.start <= p.as_of
                              AND (i."end" IS NULL OR i."end" >= (pe.birth_date + INTERVAL 18 YEAR)::DATE)) AS foster_after_18
  FROM ind i JOIN person pe USING (person_id), p
  WHERE i.kind = 'foster-care' AND pe.birth_date IS NOT NULL GROUP BY i.person_id
), ids AS (
  SELECT person_id FROM person UNION SELECT person_id FROM line UNION SELECT person_id FROM ind
)
SELECT ids.person_id, pe.birth_date,
       CASE WHEN pe.birth_date IS NULL THEN NULL ELSE (pe.birth_date + INTERVAL 21 YEAR)::DATE <= p.as_of END AS adult,
       (pe.birth_date + INTERVAL 18 YEAR)::DATE <= p.as_of AND (pe.birth_date + INTERVAL 26 YEAR)::DATE > p.as_of AS age_18_25,
       (pe.birth_date + INTERVAL 18 YEAR)::DATE > p.as_of AS under_18,
       coalesce(fc.foster_after_18, false) AS foster_after_18,
       k.* EXCLUDE (person_id),
       coalesce(c.avoidable_ed_6m, 0) AS avoidable_ed_6m, coalesce(c.avoidable_ed_12m, 0) AS avoidable_ed_12m,
       coalesce(c.stays_6m, 0) AS stays_6m, coalesce(c.stays_12m, 0) AS stays_12m,
       coalesce(c.sud_events_12m, 0) AS sud_events_12m
FROM ids CROSS JOIN p
LEFT JOIN person pe USING (person_id) LEFT JOIN k USING (person_id)
LEFT JOIN fc USING (person_id) LEFT JOIN counts c USING (person_id);

-- POF met per variant (docs/eligibility.md §4). NULL booleans (no record) count as not met.
CREATE OR REPLACE TABLE pof AS
WITH v AS (
  SELECT person_id, adult,
    coalesce(homeless, false) AS h, coalesce(pregnant OR postpartum, false) AS preg_pp,
    coalesce(age_18_25 AND foster_after_18, false) AS aged_out, *
  FROM f
), met AS (
  SELECT person_id, adult,
    -- adult variant
    coalesce(h AND complex_need AND lwdc_not, false) AS a1a,
    coalesce(lwdc AND (h OR couch OR lodging), false) AS a1b,
    avoidable_ed_6m >= 5 OR stays_6m >= 3 AS a2,
    coalesce((smhs OR dmc) AND csrf AND (preg_pp OR sud_events_12m >= 2 OR high_risk OR crisis), false) AS a3,
    coalesce(released_any AND (condition OR preg_pp), false) AS a4,
    coalesce((ltc OR lasn) AND (csef OR adl) AND able, false) AS a5,
    coalesce(nf AND interest AND able
             AND (likely OR (NOT coalesce(likely_not, false) AND nf_60 AND capacity AND caregiver AND adl_ok)), false) AS a6,
    false AS a7,
    aged_out AS a8,
    coalesce(preg_pp AND disparity, false) AS a9,
    -- child/youth variant
    false AS c1a,
    coalesce(h OR couch OR lodging, false) AS c1b,
    avoidable_ed_12m >= 3 OR stays_12m >= 2 AS c2,
    coalesce(smhs OR dmc, false) AS c3,
    coalesce(released_youth, false) AS c4,
    false AS c5, false AS c6,
    coalesce((ccs OR ccs_wcm) AND csrf, false) AS c7,
    coalesce(foster_12m OR aged_out OR (under_18 AND adoption) OR (under_18 AND family_maintenance), false) AS c8,
    coalesce(preg_pp AND disparity, false) AS c9
  FROM v
)
-- Unknown birth date: both variants are evaluated; met only when both are met.
SELECT person_id, code
FROM met, LATERAL (VALUES
  ('1a', a1a, c1a), ('1b', a1b, c1b), ('2', a2, c2), ('3', a3, c3), ('4', a4, c4),
  ('5', a5, c5), ('6', a6, c6), ('7', a7, c7), ('8', a8, c8), ('9', a9, c9)) t(code, a, c)
WHERE CASE WHEN adult IS NULL THEN a AND c WHEN adult THEN a ELSE c END;

COPY (
  SELECT person_id,
         string_agg(code, ';' ORDER BY list_position(['1a','1b','2','3','4','5','6','7','8','9'], code)) AS pofs
  FROM pof GROUP BY person_id ORDER BY person_id
) TO '${out}' (HEADER, DELIMITER ',');
