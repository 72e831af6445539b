// careloop staff UI in real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser download). Run by crates/careloop-ui/tests/browser.rs:
//   node ui.test.mjs <base-url> <config.json>
// The config names the seeded users and members and where to save screenshots. Every step
// asserts; the first failure exits non-zero with the step's name.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [base, configPath] = process.argv.slice(2);
if (!base || !configPath) {
  console.error('usage: node ui.test.mjs <base-url> <config.json>');
  process.exit(2);
}
const config = JSON.parse(readFileSync(configPath, 'utf8'));
const executablePath = process.env.CARELOOP_CHROMIUM || '/usr/bin/chromium';
mkdirSync(config.screenshots, { recursive: true });

let step = 'start';
function check(cond, message) {
  if (!cond) throw new Error(`${step}: ${message}`);
}

async function shot(page, name) {
  await page.screenshot({ path: join(config.screenshots, `${name}.png`), fullPage: false });
}

async function logIn(page, username) {
  await page.goto(`${base}/ui/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(config.password);
  await Promise.all([page.waitForURL(`${base}/ui/`), page.getByRole('button', { name: 'Log in' }).click()]);
}

async function logOut(page) {
  await Promise.all([page.waitForURL(`${base}/ui/login`), page.getByRole('button', { name: 'Log out', exact: true }).click()]);
}

const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const consoleErrors = [];
  // The steps below provoke 401 (wrong password), 422 (refused decision) and 404 (not-found
  // page) on purpose; the browser logs those responses. Anything else (a script error, a
  // content-security-policy violation, a missing asset) fails the run.
  const expected = [
    [401, '/ui/login'],
    [422, '/decide'],
    [404, `/ui/members/${encodeURIComponent(config.foreign_member)}`],
  ];
  page.on('response', (r) => {
    if (r.status() < 400) return;
    const path = new URL(r.url()).pathname;
    if (!expected.some(([status, end]) => r.status() === status && path.endsWith(end))) {
      consoleErrors.push(`unexpected ${r.status()} for ${path}`);
    }
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  step = 'log-in page and keyboard';
  await page.goto(`${base}/ui/login`);
  await shot(page, 'login');
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  check(focused === 'username', `the username field has the focus, got ${focused}`);

  step = 'wrong password';
  await page.getByLabel('Username').fill(config.logins[0].username);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#login-error').waitFor();
  check(page.url().endsWith('/ui/login'), 'stays on the log-in page');

  for (const login of config.logins) {
    step = `log in as ${login.role}`;
    await logIn(page, login.username);
    const roles = await page.locator('#who-roles').textContent();
    check(roles.includes(login.label), `header names the role ${login.label}, got ${roles}`);
    const links = await page.locator('nav.main a').allTextContents();
    check(JSON.stringify(links) === JSON.stringify(login.nav), `navigation ${JSON.stringify(links)} should be ${JSON.stringify(login.nav)}`);
    if (login.role === 'plan-um-reviewer') {
      await shot(page, 'home-um-reviewer');
      step = 'keyboard: skip link first, visible focus';
      await page.keyboard.press('Tab');
      const first = await page.evaluate(() => document.activeElement && document.activeElement.textContent);
      check(first && first.includes('Skip to content'), `first Tab stop is the skip link, got ${first}`);
      await page.keyboard.press('Tab');
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      check(outline === 'solid', `the focused link shows an outline, got ${outline}`);
      step = `log in as ${login.role}`;
    }
    await logOut(page);
  }

  step = 'UM reviewer: queue';
  await logIn(page, config.reviewer);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Authorization queue' }).click();
  await page.locator('#queue-table').waitFor();
  const rows = page.locator('#queue-table tbody tr');
  const n = await rows.count();
  check(n >= 2, `at least two open requests, got ${n}`);
  const dues = await page.locator('#queue-table time[data-countdown]').evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute('datetime'))));
  check(dues.every((d, i) => i === 0 || dues[i - 1] <= d), 'sorted by due time');
  const flagged = await page.locator('#queue-table tr.at-risk, #queue-table tr.overdue').count();
  check(flagged >= 1, 'an at-risk or overdue request is highlighted');
  const countdown = await page.locator('#queue-table time[data-countdown]').first().textContent();
  check(/left|overdue/.test(countdown), `countdown text, got ${countdown}`);
  await shot(page, 'queue');

  step = 'UM reviewer: queue filter';
  // htmx swaps the results in place (no page load): a value set on the window survives.
  await page.evaluate(() => { window.careloopMarker = 'kept'; });
  await page.getByLabel('Status').selectOption('received');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForURL(/status=received/);
  await page.locator('#queue-summary').waitFor();
  const kept = await page.evaluate(() => window.careloopMarker);
  check(kept === 'kept', 'the filter was applied by htmx without a full page load');
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll('#queue-table tbody tr td:nth-child(7)')];
    return cells.length > 0 && cells.every((c) => c.textContent.trim() === 'received');
  }, null, { timeout: 5000 }).catch(() => {});
  const statuses = await page.locator('#queue-table tbody tr td:nth-child(7)').allTextContents();
  check(statuses.length >= 1 && statuses.every((s) => s.trim() === 'received'), `only received requests, got ${statuses}`);

  step = 'UM reviewer: dashboard before deciding';
  async function decidedThisWeek() {
    await page.goto(`${base}/ui/dashboard`);
    const cells = await page.locator('#table-decisions tbody tr').last().locator('td').allTextContents();
    return Number(cells[1]) + Number(cells[2]);
  }
  const decidedBefore = await decidedThisWeek();
  await page.goto(`${base}/ui/authorizations?status=received`);

  step = 'UM reviewer: decision screen';
  await Promise.all([page.waitForURL(/\/ui\/authorizations\/[^?]+$/), page.locator('#queue-table a', { hasText: 'Open request' }).first().click()]);
  check((await page.locator('#clock-why li').count()) >= 1, 'the due time is explained');
  check((await page.locator('#ecm-summary').count()) === 1, 'the eligibility explanation is shown');
  check((await page.locator('#request-status').textContent()).trim() === 'received', 'request is open');
  await shot(page, 'decision');

  step = 'UM reviewer: deny without a reason is refused';
  await page.getByRole('radio', { name: 'Deny' }).check();
  await page.getByLabel(/Specific reason/).fill('');
  await page.getByRole('button', { name: 'Record decision' }).click();
  await page.locator('#refused').waitFor();
  const refused = await page.locator('#refused').textContent();
  check(/specific reason/i.test(refused), `refusal names the missing reason, got ${refused}`);
  check((await page.locator('#request-status').textContent()).trim() === 'received', 'nothing was decided');
  await shot(page, 'decision-refused');

  step = 'UM reviewer: notice of action preview';
  const reason = 'The records sent do not show the housing situation the request relies on (POF 1b); send the shelter or HMIS record.';
  await page.getByRole('radio', { name: 'Deny' }).check();
  await page.getByLabel(/Specific reason/).fill(reason);
  await page.getByRole('button', { name: 'Preview notice of action' }).click();
  await page.locator('#notice-preview').waitFor();
  const letter = await page.locator('#notice-preview').textContent();
  check(letter.includes(reason) && letter.includes('appeal'), 'the preview carries the reason and appeal rights');
  await shot(page, 'notice-preview');

  step = 'UM reviewer: deny with a reason';
  await page.getByRole('button', { name: 'Record decision' }).click();
  await page.locator('#done').waitFor();
  check((await page.locator('#request-status').textContent()).trim() === 'denied', 'the request is denied');
  const outcome = await page.locator('#decision-outcome').textContent();
  check(outcome.includes(reason), 'the decision shows the reason');
  await shot(page, 'decision-denied');

  step = 'UM reviewer: the dashboard counts the decision';
  const decidedAfter = await decidedThisWeek();
  check(decidedAfter === decidedBefore + 1, `decisions this week ${decidedBefore} -> ${decidedAfter}`);
  check((await page.locator('#chart-decisions rect').count()) >= 2, 'the chart is drawn');
  await shot(page, 'dashboard');

  step = 'UM reviewer: referrals by closed-loop status';
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Referrals' }).click();
  await page.locator('#referral-summary').waitFor();
  const referralRows = await page.locator('#referrals-table tbody tr').count();
  check(referralRows >= 1, `open referrals listed, got ${referralRows}`);
  await shot(page, 'referrals');
  await Promise.all([page.waitForURL(/\/ui\/referrals\/.+/), page.locator('#referrals-table tbody tr td:first-child a').first().click()]);
  check((await page.locator('#referral-status').textContent()).trim().length > 0, 'the referral page shows its status');
  await logOut(page);

  step = 'provider: own member record';
  await logIn(page, config.provider);
  let res = await page.goto(`${base}/ui/members/${encodeURIComponent(config.own_member)}`);
  check(res.status() === 200, `own member: 200, got ${res.status()}`);
  check((await page.locator('h1').textContent()).includes(config.own_member), 'the member page names the member');
  await shot(page, 'member');

  step = 'provider: log an outreach attempt';
  const before = await page.locator('ul.outreach li').count();
  const form = page.locator('form.outreach-form').first();
  await form.getByLabel('Channel').selectOption('phone');
  await form.getByLabel('In person or telephonic').selectOption('telephonic');
  await form.getByLabel('Staff').selectOption('non-clinical');
  await form.getByLabel('The member was reached').check();
  await form.getByRole('button', { name: 'Log outreach attempt' }).click();
  await page.locator('#done').waitFor();
  const after = await page.locator('ul.outreach li').count();
  check(after === before + 1, `one more outreach attempt listed (${before} -> ${after})`);
  const last = await page.locator('ul.outreach li').last().textContent();
  check(/^\d{4}-\d{2}-\d{2}: phone \(telephonic, non clinical staff\) — reached$/.test(last.trim()), `the attempt as logged, got ${last}`);
  await shot(page, 'member-outreach-logged');

  step = 'provider: log a core-service activity';
  const card = page.locator('.card').filter({ has: page.locator('form.activity-form') }).first();
  const activitiesBefore = await card.locator('ul.activities li').count();
  await card.getByText('Log a core-service activity').click();
  await card.getByLabel('Core service').selectOption('health-promotion');
  await card.getByLabel('What was done').fill('Reviewed the asthma action plan with the member by phone.');
  await card.getByRole('button', { name: 'Log activity' }).click();
  await page.locator('#done').waitFor();
  const activitiesAfter = await page.locator('.card').filter({ has: page.locator('form.activity-form') }).first().locator('ul.activities li').count();
  check(activitiesAfter === activitiesBefore + 1, `one more activity (${activitiesBefore} -> ${activitiesAfter})`);

  step = 'provider: add a care plan goal';
  const card2 = page.locator('.card').filter({ has: page.locator('form.goal-form') }).first();
  const goalsBefore = await card2.locator('ul.goals li').count();
  await card2.getByText('Add or revise a care plan goal').click();
  await card2.getByLabel(/Goal, in the member/).fill('Keep every primary care appointment this quarter.');
  await card2.getByRole('button', { name: 'Save goal' }).click();
  await page.locator('#done').waitFor();
  const goals = await page.locator('.card').filter({ has: page.locator('form.goal-form') }).first().locator('ul.goals li').allTextContents();
  check(goals.length === goalsBefore + 1 && goals.some((g) => g.includes('Keep every primary care appointment')), `the new goal is listed: ${goals}`);

  step = 'provider: request re-authorization';
  const card3 = page.locator('.card').filter({ has: page.locator('form.reauth-form') }).first();
  await card3.getByText('Request re-authorization').click();
  await card3.getByRole('button', { name: 'Send the request to the plan' }).click();
  await page.locator('#done').waitFor();
  const authRows = await page.locator('#member-authorizations tbody tr').allTextContents();
  check(authRows.some((r) => r.includes('ECM, re-authorization') && r.includes('received')), 'the re-authorization request is listed as received');
  await page.locator('#h-ecm').scrollIntoViewIfNeeded();
  await page.evaluate(() => document.getElementById('h-ecm').scrollIntoView({ block: 'start' }));
  await shot(page, 'member-care-manager-work');

  step = "provider: another provider's member is not found";
  res = await page.goto(`${base}/ui/members/${encodeURIComponent(config.foreign_member)}`);
  check(res.status() === 404, `another provider's member: 404, got ${res.status()}`);
  check((await page.locator('h1').textContent()).trim() === 'Not found', 'the not-found page');
  await shot(page, 'member-not-found');
  await logOut(page);

  step = 'plan admin: audit log shows the provider reading the member';
  await logIn(page, config.plan_admin);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await page.getByLabel('Member id').fill(config.own_member);
  await page.getByRole('button', { name: 'Show' }).click();
  await page.locator('#audit-table').waitFor();
  const auditText = await page.locator('#audit-table').textContent();
  check(auditText.includes(config.provider) && auditText.includes('record-outreach-attempt'), 'the provider\'s read and outreach are audited');
  await shot(page, 'audit-log');

  step = 'plan admin: administration (offerings by county, organizations, users)';
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).click();
  check((await page.locator('table.offerings').count()) >= 1, 'CS offerings by county are listed');
  const users = await page.locator('#users-table').textContent();
  check(users.includes(config.plan_admin), 'the admin is among its organization\'s users');
  await shot(page, 'admin');
  await logOut(page);

  step = 'referrer: referral intake with a live eligibility preview';
  await logIn(page, config.referrer);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New referral' }).click();
  await page.getByLabel(/Member id/).fill(config.own_member);
  // The plan is chosen by name (issue #16); its organization id is never typed.
  await page.getByLabel('Plan', { exact: true }).selectOption(config.intake_plan_org);
  await page.getByLabel(/Population of Focus claimed/).selectOption('1a');
  await page.getByLabel('Birth date').fill('1980-03-15');
  await page.getByLabel('Enrolled in the plan since').fill('2024-01-01');
  await page.getByLabel('Homelessness').selectOption('place-not-meant-for-habitation');
  // The preview follows the form without a submit (assets/app.js posts it as it changes).
  await page.locator('#preview-outcome').waitFor({ timeout: 5000 });
  const previewText = await page.locator('#eligibility-preview').textContent();
  check(previewText.includes('POF 1a'), `the preview evaluates the claimed POF: ${previewText.slice(0, 200)}`);
  check(page.url().endsWith('/ui/referrals/new'), 'the preview did not submit the form');
  await page.evaluate(() => document.getElementById('fact-anchor') || document.getElementById('i-birth').scrollIntoView({ block: 'start' }));
  await shot(page, 'referral-intake');
  await Promise.all([page.waitForURL(/\/ui\/referrals\/ref-/), page.getByRole('button', { name: 'Send the referral' }).click()]);
  await page.locator('#done').waitFor();
  check((await page.locator('#referral-status').textContent()).trim() === 'received', 'the new referral is received');
  await shot(page, 'referral-created');
  const referralUrl = page.url().split('?')[0];
  await logOut(page);

  step = 'care coordinator: review eligibility, then assign the provider';
  await logIn(page, config.coordinator);
  await page.goto(referralUrl);
  check((await page.locator('#next-step').textContent()).trim() === 'eligibility review', 'next step: eligibility review');
  await page.getByRole('radio', { name: 'Eligible', exact: true }).check();
  await page.getByRole('button', { name: 'Record the eligibility review' }).click();
  await page.locator('#done').waitFor();
  check((await page.locator('#next-step').textContent()).trim() === 'assignment', 'next step: assignment');
  // The provider is chosen from those serving the member's county for the program (issue #16).
  await page.getByLabel(/^Provider \(serving/).selectOption(config.provider_org);
  await page.getByRole('button', { name: 'Assign' }).click();
  await page.locator('#done').waitFor();
  check((await page.locator('#referral-status').textContent()).trim() === 'assigned to provider', 'assigned');
  await logOut(page);

  step = 'provider: accept the assigned referral';
  await logIn(page, config.provider);
  await page.goto(referralUrl);
  await page.getByRole('radio', { name: 'Accept' }).check();
  await page.getByRole('button', { name: 'Answer the referral' }).click();
  await page.locator('#done').waitFor();
  check((await page.locator('#referral-status').textContent()).trim() === 'accepted by provider', 'accepted');
  await shot(page, 'referral-accepted');

  // The connected story, on this one referral and member: its authorization request is
  // submitted, reviewed and decided, the plan records it on the referral and opens the ECM
  // enrollment, the provider logs an outreach attempt, and the dashboard has changed.
  step = 'story: the provider requests authorization for the referred member';
  await page.getByLabel('Urgency').selectOption('non-urgent-pre-service');
  await page.getByRole('button', { name: 'Submit the authorization request' }).click();
  await page.locator('#created-auth').waitFor();
  const storyAuth = (await page.locator('#created-auth').textContent()).trim();
  check(/^auth-/.test(storyAuth), `the new request's id, got ${storyAuth}`);
  await page.locator('#created-auth').click();
  await page.waitForURL(`${base}/ui/authorizations/${storyAuth}`);
  check((await page.locator('#request-status').textContent()).trim() === 'received', 'the request is received');
  check((await page.locator('main').textContent()).includes(config.own_member), 'the request is about the referred member');
  await logOut(page);

  step = 'story: the UM reviewer reviews and approves it; the dashboard counts the decision';
  await logIn(page, config.story_reviewer);
  const storyDecidedBefore = await decidedThisWeek();
  await page.goto(`${base}/ui/authorizations`);
  check((await page.locator('#queue-table').textContent()).includes(storyAuth), 'the request is on the reviewer\'s queue');
  await page.goto(`${base}/ui/authorizations/${storyAuth}`);
  check((await page.locator('main').textContent()).includes('Due time, and why'), 'the due time is explained');
  await page.getByRole('radio', { name: 'Approve', exact: true }).check();
  await page.getByRole('button', { name: 'Record decision' }).click();
  await page.locator('#done').waitFor();
  check((await page.locator('#request-status').textContent()).trim() === 'approved', 'the request is approved');
  await shot(page, 'story-approved');
  const storyDecidedAfter = await decidedThisWeek();
  check(storyDecidedAfter === storyDecidedBefore + 1, `decisions this week ${storyDecidedBefore} -> ${storyDecidedAfter}`);
  await logOut(page);

  step = 'story: the care coordinator records the authorization and opens the ECM enrollment';
  await logIn(page, config.coordinator);
  await page.goto(referralUrl);
  check((await page.locator('#next-step').textContent()).trim() === 'authorization', 'next step: authorization');
  await page.getByRole('radio', { name: 'Authorized', exact: true }).check();
  // The request is chosen from the member's authorization requests (issue #16), not typed.
  await page.getByLabel('The member\'s authorization request').selectOption(storyAuth);
  await page.getByRole('button', { name: 'Record the authorization' }).click();
  await page.locator('#done').waitFor();
  check((await page.locator('#referral-status').textContent()).trim() === 'authorized', 'the referral is authorized');
  await page.getByRole('button', { name: 'Open the ECM enrollment' }).click();
  await page.locator('#created-ecm').waitFor();
  const storyEcm = (await page.locator('#created-ecm').textContent()).trim();
  check((await page.locator('#referral-enrollment').textContent()).includes(storyEcm), 'the referral links its enrollment');
  check((await page.locator('#open-enrollment-form').count()) === 0, 'the enrollment is not offered twice');
  await shot(page, 'story-referral-authorized');
  await logOut(page);

  step = 'story: the provider logs an outreach attempt on the new enrollment';
  await logIn(page, config.provider);
  await page.goto(`${base}/ui/members/${encodeURIComponent(config.own_member)}`);
  const storyCard = page.locator('.card').filter({ hasText: storyEcm });
  check((await storyCard.count()) === 1, `the new enrollment ${storyEcm} is on the member record`);
  check((await storyCard.locator('ul.outreach li').count()) === 0, 'no outreach yet');
  const storyForm = storyCard.locator('form.outreach-form');
  await storyForm.getByLabel('Channel').selectOption('phone');
  await storyForm.getByLabel('In person or telephonic').selectOption('telephonic');
  await storyForm.getByLabel('Staff').selectOption('non-clinical');
  await storyForm.getByRole('button', { name: 'Log outreach attempt' }).click();
  await page.locator('#done').waitFor();
  const storyOutreach = await page.locator('.card').filter({ hasText: storyEcm }).locator('ul.outreach li').allTextContents();
  check(storyOutreach.length === 1 && storyOutreach[0].includes('phone'), `the attempt is listed: ${storyOutreach}`);
  const storyAuthRow = await page.locator('#member-authorizations tbody tr').filter({ hasText: storyAuth }).textContent();
  check(storyAuthRow.includes('approved'), `the member record lists the approved request: ${storyAuthRow}`);
  await shot(page, 'story-outreach-logged');
  await logOut(page);

  step = 'tablet width';
  const tablet = await browser.newContext({ viewport: { width: 820, height: 1180 } });
  const tpage = await tablet.newPage();
  await tpage.goto(`${base}/ui/login`);
  await tpage.getByLabel('Username').fill(config.reviewer);
  await tpage.getByLabel('Password').fill(config.password);
  await Promise.all([tpage.waitForURL(`${base}/ui/`), tpage.getByRole('button', { name: 'Log in' }).click()]);
  await tpage.goto(`${base}/ui/authorizations`);
  await tpage.locator('#queue-summary').waitFor();
  const overflow = await tpage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `no sideways scrolling of the page at 820 px (overflow ${overflow}px)`);
  await tpage.screenshot({ path: join(config.screenshots, 'queue-tablet.png') });
  await tablet.close();

  step = 'no script errors';
  check(consoleErrors.length === 0, `console errors: ${consoleErrors.join(' | ')}`);
  console.log('browser tests: all steps passed');
} catch (e) {
  console.error(`FAILED at step "${step}": ${e && e.stack ? e.stack : e}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
