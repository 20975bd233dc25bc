import { describe, expect, it } from '@jest/globals';
describe('x', () => { it('y', () => { expect(1).toBe(1); }); });
