// Each role's day in the staff UI (issue #16, "Done means"), in real headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core). Run by crates/careloop-ui/tests/browser.rs after
// ui.test.mjs, on the same demo and server:
//   node roles.test.mjs <base-url> <config.json>
// A walk starts at the home page and moves only by clicking links and buttons and choosing from
// lists. Typing is allowed for free text and dates only: `typeText` refuses a field whose name or
// label names an id, so a step that needs a typed id fails the run. Any response of 400 or more
// (a 403, a 404) fails the run. Screenshots go to docs/screenshots/role-*.png.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [base, configPath] = process.argv.slice(2);
if (!base || !configPath) {
  console.error('usage: node roles.test.mjs <base-url> <config.json>');
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
  await page.screenshot({ path: join(config.screenshots, `role-${name}.png`), fullPage: false });
}

// Free text or a date only: a field whose name or label names an id is a typed id.
async function typeText(locator, text) {
  const { name, label } = await locator.evaluate((el) => ({
    name: el.getAttribute('name') || '',
    label: (el.labels && el.labels[0] ? el.labels[0].textContent : '') || '',
  }));
  check(!/(^|_)id$|_ids?$/.test(name) && !/\bid\b/i.test(label), `this step needs a typed id (field ${name}: ${label})`);
  await locator.fill(text);
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

// Follows a link of the main navigation (from any page).
async function nav(page, name) {
  await Promise.all([page.waitForLoadState('load'), page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click()]);
}

async function clickTo(page, locator) {
  await Promise.all([page.waitForNavigation(), locator.click()]);
}

const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
try {
  const failures = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failures.push(`${step}: ${r.status()} for ${new URL(r.url()).pathname}`);
  });
  page.on('pageerror', (e) => failures.push(`${step}: ${e}`));
  const noFailures = () => check(failures.length === 0, `responses or script errors: ${failures.join(' | ')}`);

  // --- UM nurse ------------------------------------------------------------------------------
  step = 'UM nurse: the queue, from home';
  await logIn(page, config.um_nurse);
  await clickTo(page, page.locator('main').getByRole('link', { name: 'Authorization queue' }));
  await page.locator('#queue-table').waitFor();
  await shot(page, 'um-nurse-queue');

  step = 'UM nurse: open the first received routine request';
  // Pending for information applies to routine (non-urgent pre-service) requests only.
  await page.getByLabel('Status').selectOption('received');
  await page.getByLabel('Urgency').selectOption('non-urgent-pre-service');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForURL(/urgency=non-urgent-pre-service/);
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('#queue-table tbody tr')];
    return rows.length > 0 && rows.every((r) => r.children[6].textContent.trim() === 'received' && /routine|non.urgent/i.test(r.children[5].textContent));
  }, null, { timeout: 5000 });
  await clickTo(page, page.locator('#queue-table a', { hasText: 'Open request' }).first());
  check((await page.locator('#clock-why li').count()) >= 1, 'the due time is explained');
  check((await page.getByRole('radio', { name: 'Approve', exact: true }).isChecked()) === false, 'no decision is pre-selected');
  await shot(page, 'um-nurse-request');

  step = 'UM nurse: pend for information';
  const asked = 'Send the discharge summary from the last hospital stay and the current medication list.';
  await typeText(page.getByLabel('Information needed'), asked);
  await page.getByRole('button', { name: 'Pend', exact: true }).click();
  await page.locator('#done').waitFor();
  check((await page.locator('#request-status').textContent()).trim() === 'pended for information', 'the request is pended');
  check((await page.locator('#pended-info').textContent()).includes(asked), 'the request shows what was asked for');
  await shot(page, 'um-nurse-pended');

  step = 'UM nurse: the member, from the request';
  await clickTo(page, page.locator('main a[href^="/ui/members/"]').first());
  check((await page.locator('#ecm-summary').count()) === 1, 'the member record explains eligibility');
  const explained = await page.locator('#h-pof').locator('xpath=..').textContent();
  check(!/birth_date|as_of|indicators\./.test(explained), 'the eligibility explanation names no fact key');
  await page.evaluate(() => document.getElementById('h-pof').scrollIntoView({ block: 'start' }));
  await shot(page, 'um-nurse-member');

  step = 'UM nurse: dashboard and referrals';
  await nav(page, 'Dashboard');
  check((await page.locator('#chart-decisions').count()) === 1, 'the decisions chart');
  await nav(page, 'Referrals');
  await clickTo(page, page.locator('#referrals-table tbody tr td:first-child a').first());
  check((await page.locator('#referral-status').textContent()).trim().length > 0, 'a referral page');
  noFailures();
  await logOut(page);

  // --- ECM lead care manager -----------------------------------------------------------------
  step = 'ECM lead care manager: my members, then the member';
  await logIn(page, config.lead_care_manager);
  await clickTo(page, page.locator('main').getByRole('link', { name: 'My members' }));
  await shot(page, 'lcm-members');
  await clickTo(page, page.locator('#members-table a', { hasText: config.lcm_member }));
  const card = page.locator('.card').filter({ has: page.locator('form.assessment-form') }).first();
  check((await card.count()) === 1, 'the enrollment card offers the assessment');

  step = 'ECM lead care manager: name the lead care manager from the list';
  const lcm = card.locator('form.lcm-form select');
  const choices = await lcm.locator('option').count();
  check(choices >= 1, 'the organization\'s care managers are listed');
  await lcm.selectOption({ index: choices - 1 });
  await card.getByRole('button', { name: 'Name lead care manager' }).click();
  await page.locator('#done').waitFor();

  step = 'ECM lead care manager: the comprehensive assessment by domain';
  const card2 = page.locator('.card').filter({ has: page.locator('form.assessment-form') }).first();
  await card2.locator('summary', { hasText: 'Comprehensive assessment' }).click();
  const form = card2.locator('form.assessment-form');
  const domains = await form.locator('fieldset.domain').count();
  check(domains === 8, `the pack's eight domains, got ${domains}`);
  await typeText(form.getByLabel('What the assessment found: Oral health'), 'No dental visit in three years; tooth pain when eating.');
  await typeText(form.getByLabel('What the assessment found: Mental health'), 'Reports low mood most days; open to a behavioral health referral.');
  await shot(page, 'lcm-assessment-form');
  await form.getByRole('button', { name: 'Save assessment' }).click();
  await page.locator('#done').waitFor();
  const summary = await page.locator('.assessment-summary').first().textContent();
  check(/\d of 8 domains answered/.test(summary), `the assessment's progress, got ${summary}`);
  const recorded = await page.locator('dl.assessment').first().textContent();
  check(recorded.includes('No dental visit in three years'), 'the oral health answer is listed with its date');
  await page.locator('dl.assessment').first().scrollIntoViewIfNeeded();
  await shot(page, 'lcm-assessment');

  step = 'ECM lead care manager: a care plan goal, an outreach attempt';
  const card3 = page.locator('.card').filter({ has: page.locator('form.goal-form') }).first();
  await card3.getByText('Add or revise a care plan goal').click();
  await typeText(card3.getByLabel(/Goal, in the member/), 'See a dentist before the end of next month.');
  await card3.getByRole('button', { name: 'Save goal' }).click();
  await page.locator('#done').waitFor();
  const card4 = page.locator('.card').filter({ has: page.locator('form.outreach-form') }).first();
  await card4.getByLabel('Channel').selectOption('in-person');
  await card4.getByLabel('In person or telephonic').selectOption('in-person');
  await card4.getByLabel('Staff').selectOption('clinical');
  await card4.getByLabel('The member was reached').check();
  await card4.getByRole('button', { name: 'Log outreach attempt' }).click();
  await page.locator('#done').waitFor();
  await shot(page, 'lcm-member');

  step = 'ECM lead care manager: re-authorizations due';
  await nav(page, 'Re-authorizations');
  await page.locator('#reauth-summary').waitFor();
  await shot(page, 'lcm-reauthorizations');
  noFailures();
  await logOut(page);

  // --- CBO care manager (a Community Supports provider) ---------------------------------------
  step = 'CBO care manager: the organization\'s referrals';
  await logIn(page, config.cbo);
  await clickTo(page, page.locator('main').getByRole('link', { name: 'Referrals' }));
  await page.locator('#referral-summary').waitFor();
  const cboRows = await page.locator('#referrals-table tbody tr').count();
  check(cboRows >= 1, `the organization's open referrals, got ${cboRows}`);
  await shot(page, 'cbo-referrals');
  await clickTo(page, page.locator('#referrals-table tbody tr td:first-child a').first());
  check((await page.locator('#referral-status').textContent()).trim().length > 0, 'the referral page');
  check((await page.locator('#h-timeline').count()) === 1, 'the referral\'s timeline');
  await shot(page, 'cbo-referral');

  step = 'CBO care manager: record our capacity from lists';
  await nav(page, 'Provider directory');
  const cap = page.locator('#capacity-form');
  await cap.getByLabel('Status').selectOption({ index: 1 });
  await cap.getByRole('button', { name: 'Record capacity' }).click();
  await page.locator('#done').waitFor();
  await shot(page, 'cbo-directory');
  noFailures();
  await logOut(page);

  // --- Plan admin -----------------------------------------------------------------------------
  step = 'plan admin: administration';
  await logIn(page, config.plan_admin);
  await clickTo(page, page.locator('main').getByRole('link', { name: 'Administration' }));
  check((await page.locator('table.offerings').count()) >= 1, 'CS offerings by county');
  check((await page.locator('#tokens-table').count()) === 1, 'the organization\'s API tokens');
  await shot(page, 'plan-admin');

  step = 'plan admin: add a user with a role from the list';
  const username = `walk-nurse-${Date.now() % 100000}`;
  await typeText(page.getByLabel('Username'), username);
  await page.getByLabel('Role').selectOption({ index: 0 });
  await page.getByLabel('Initial password').fill('walk-Passphrase-2026!');
  await page.getByRole('button', { name: 'Add user' }).click();
  await page.locator('#done').waitFor();
  check((await page.locator('#users-table').textContent()).includes(username), 'the new user is listed');

  step = 'plan admin: audit log';
  await nav(page, 'Audit log');
  await page.locator('#audit-table').waitFor();
  await shot(page, 'plan-admin-audit');
  noFailures();
  await logOut(page);

  // --- Referrer -------------------------------------------------------------------------------
  step = 'referrer: the provider directory, filtered from lists';
  await logIn(page, config.referrer);
  await clickTo(page, page.locator('main').getByRole('link', { name: 'Provider directory' }));
  await page.locator('#d-county').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Show' }).click();
  await page.locator('#directory-table, main p').first().waitFor();
  await shot(page, 'referrer-directory');

  step = 'referrer: the referral form';
  await nav(page, 'New referral');
  await page.getByLabel(/Population of Focus claimed/).waitFor();
  // The plan is picked by name from the plan organizations the app knows (issue #16 item 1).
  check((await page.getByLabel(/Plan organization id/).count()) === 0, 'no typed plan organization id');
  const plans = page.getByLabel('Plan', { exact: true });
  check((await plans.evaluate((el) => el.tagName)) === 'SELECT', 'the plan is a list');
  const planNames = await plans.locator('option').allTextContents();
  check(planNames.length >= 2 && planNames.slice(1).every((n) => !/^org-/.test(n.trim())), `plans listed by name, got ${planNames.join(', ')}`);
  await plans.selectOption({ index: 1 });
  await shot(page, 'referrer-intake');
  noFailures();
  await logOut(page);

  console.log('role walks: all steps passed');
} catch (e) {
  console.error(`FAILED at step "${step}": ${e && e.stack ? e.stack : e}`);
  const main = await page.locator('main').textContent().catch(() => '');
  console.error(`at ${page.url()}: ${(main || '').replace(/\s+/g, ' ').slice(0, 1500)}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
