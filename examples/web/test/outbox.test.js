import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OUTBOX_PATH, OutboxFeed, outboxPath } from '../src/outbox.js';

const msg = (id, phone = '+447700900123') => ({ id: String(id), phone, message: `Your code is ${100000 + id}.`, sentAt: '2026-05-01T12:00:00Z' });

test('outboxPath', async (t) => {
  await t.test('plain', () => assert.equal(outboxPath(), OUTBOX_PATH));
  await t.test('after a message', () => assert.equal(outboxPath({ after: 42 }), '_local/outbox?after=42'));
  await t.test('the newest few', () => assert.equal(outboxPath({ limit: 10 }), '_local/outbox?limit=10'));
  await t.test('after wins over limit', () => assert.equal(outboxPath({ after: 7, limit: 10 }), '_local/outbox?after=7'));
  await t.test('resolves against the pool', () => {
    assert.equal(new URL(outboxPath({ after: 3 }), 'http://127.0.0.1:9229/').href, 'http://127.0.0.1:9229/_local/outbox?after=3');
  });
});

test('OutboxFeed', async (t) => {
  await t.test('reads the newest few first, then only what is after the newest taken', () => {
    const feed = new OutboxFeed(10);
    assert.equal(feed.path(), '_local/outbox?limit=10');
    assert.deepEqual(feed.take([]), []);
    assert.equal(feed.path(), '_local/outbox?limit=10', 'an empty outbox: still the newest few');
    assert.deepEqual(feed.take([msg(4), msg(5)]).map((m) => m.id), ['4', '5']);
    assert.equal(feed.path(), '_local/outbox?after=5');
    assert.deepEqual(feed.take([]), []);
    assert.equal(feed.path(), '_local/outbox?after=5');
    assert.deepEqual(feed.take([msg(6)]).map((m) => m.id), ['6']);
    assert.equal(feed.path(), '_local/outbox?after=6');
  });
  await t.test('takes nothing twice, as when two polls overlap', () => {
    const feed = new OutboxFeed(10);
    feed.take([msg(1), msg(2)]);
    assert.deepEqual(feed.take([msg(2), msg(3)]).map((m) => m.id), ['3']);
    assert.deepEqual(feed.take([msg(3)]), []);
  });
  await t.test('keeps at most the shown number, the newest', () => {
    const feed = new OutboxFeed(2);
    assert.deepEqual(feed.take([msg(1), msg(2), msg(3)]).map((m) => m.id), ['2', '3']);
    assert.equal(feed.path(), '_local/outbox?after=3');
  });
  await t.test('compares IDs as numbers', () => {
    const feed = new OutboxFeed(10);
    feed.take([msg(9)]);
    assert.deepEqual(feed.take([msg(10)]).map((m) => m.id), ['10']);
  });
  await t.test('ignores an answer that is not a list', () => {
    const feed = new OutboxFeed(10);
    assert.deepEqual(feed.take(undefined), []);
    assert.equal(feed.path(), '_local/outbox?limit=10');
  });
});
