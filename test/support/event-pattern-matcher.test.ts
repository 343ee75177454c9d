import { describe, expect, it } from 'vitest';
import { matchesEventPattern } from './event-pattern-matcher.js';

// The cases follow the examples AWS documents for EventBridge event patterns
// and its Event Ruler engine; the matcher is only as useful as it is faithful.
const ec2Event = {
  source: 'aws.ec2',
  'detail-type': 'EC2 Instance State-change Notification',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-1', 'arn:aws:ec2:us-east-1:123456789012:instance/i-2'],
  detail: { state: 'running', 'c-count': 5, 'x-limit': 301.8, flag: true, gone: null, nested: { inner: 'x' } },
};

describe('EventBridge event pattern matcher', () => {
  it('ANDs fields and ORs the values listed for a field', () => {
    expect(matchesEventPattern({ source: ['aws.ec2'], detail: { state: ['stopped', 'running'] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ source: ['aws.ec2'], detail: { state: ['stopped'] } }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ source: ['aws.s3'], detail: { state: ['running'] } }, ec2Event)).toBe(false);
  });

  it('matches an event array when it shares a value with the pattern', () => {
    expect(matchesEventPattern({ resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-2', 'other'] }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ resources: ['other'] }, ec2Event)).toBe(false);
  });

  it('compares exact values by type: numbers, booleans and null are not strings', () => {
    expect(matchesEventPattern({ detail: { 'c-count': [5], flag: [true], gone: [null] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { 'c-count': ['5'] } }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ detail: { flag: ['true'] } }, ec2Event)).toBe(false);
  });

  it('matches prefixes and suffixes of strings only, optionally ignoring case', () => {
    expect(matchesEventPattern({ source: [{ prefix: 'aws.' }] }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ source: [{ suffix: 'ec2' }] }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ source: [{ suffix: 'EC2' }] }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ source: [{ suffix: { 'equals-ignore-case': 'EC2' } }] }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ source: [{ 'equals-ignore-case': 'AWS.EC2' }] }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { 'c-count': [{ prefix: '5' }] } }, ec2Event)).toBe(false);
  });

  it('matches wildcards, with escaped stars and no consecutive stars', () => {
    expect(matchesEventPattern({ 'detail-type': [{ wildcard: 'EC2*Notification' }] }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ 'detail-type': [{ wildcard: 'EC2*Change' }] }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ detail: { state: [{ wildcard: 'run\\*' }] } }, { detail: { state: 'run*' } })).toBe(true);
    expect(matchesEventPattern({ detail: { state: [{ wildcard: 'run\\*' }] } }, ec2Event)).toBe(false);
    expect(() => matchesEventPattern({ source: [{ wildcard: 'a**b' }] }, ec2Event)).toThrow(/consecutive/);
  });

  it('matches anything but the listed values, and never a missing field', () => {
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': 'initializing' }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': { prefix: 'run' } }] } }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': { suffix: 'ing' } }] } }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ detail: { 'x-limit': [{ 'anything-but': [100, 200] }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { missing: [{ 'anything-but': 'x' }] } }, ec2Event)).toBe(false);
  });

  it('checks that a leaf field exists or not; an object is not a leaf', () => {
    expect(matchesEventPattern({ detail: { 'c-count': [{ exists: true }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { missing: [{ exists: false }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { missing: [{ exists: true }] } }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ detail: { nested: [{ exists: true }] } }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ detail: { nested: [{ exists: false }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ nowhere: { deeper: [{ exists: false }] } }, ec2Event)).toBe(true);
  });

  it('compares JSON numbers in numeric ranges', () => {
    expect(matchesEventPattern({ detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { 'c-count': [{ numeric: ['<', 5] }] } }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { state: [{ numeric: ['>', 0] }] } }, ec2Event)).toBe(false);
    expect(() => matchesEventPattern({ detail: { n: [{ numeric: ['>', 6e9] }] } }, ec2Event)).toThrow(/numeric/);
  });

  it('ORs the alternatives of "$or", which may nest and sit beside other fields', () => {
    const pattern = {
      source: ['aws.ec2'],
      $or: [{ detail: { state: ['stopped'] } }, { detail: { 'c-count': [5], $or: [{ flag: [false] }, { gone: [null] }] } }],
    };
    expect(matchesEventPattern(pattern, ec2Event)).toBe(true);
    expect(matchesEventPattern({ ...pattern, source: ['aws.s3'] }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ $or: [{ detail: { state: ['stopped'] } }, { detail: { flag: [false] } }] }, ec2Event)).toBe(false);
  });

  it('matches the fields of one sub-pattern within one element of an array of objects', () => {
    const event = {
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    };
    expect(matchesEventPattern({ employees: { firstName: ['Anna'] } }, event)).toBe(true);
    expect(matchesEventPattern({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, event)).toBe(true);
    expect(matchesEventPattern({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, event)).toBe(false);
  });

  it('rejects patterns EventBridge would reject instead of guessing', () => {
    expect(() => matchesEventPattern({ source: [] }, ec2Event)).toThrow(/empty/);
    expect(() => matchesEventPattern({ source: [{ cidr: '10.0.0.0/8' }] }, ec2Event)).toThrow(/not supported/);
    expect(() => matchesEventPattern({ source: [{ prefix: 'a', suffix: 'b' }] }, ec2Event)).toThrow(/exactly one key/);
    expect(() => matchesEventPattern({ $or: [{ source: ['aws.ec2'] }] }, ec2Event)).toThrow(/two or more/);
    expect(() => matchesEventPattern({ source: 'aws.ec2' }, ec2Event)).toThrow(/list of values/);
    expect(() => matchesEventPattern([], ec2Event)).toThrow(/JSON object/);
  });
});
