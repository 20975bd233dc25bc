import { describe, expect, it } from '@jest/globals';
import { findPicture } from '../../src/get-exec/picture.js';

const assets = '/srv/tracker/assets';
const home = '/home/admin';
const lookup = (existing: string[]) => (file: string) => existing.includes(file);

describe('findPicture', () => {
  it('reads a blank cell as no picture', () => {
    expect(findPicture('  ', assets, lookup([]), home)).toEqual({ kind: 'none' });
  });

  it('takes a relative path inside the assets folder', () => {
    expect(findPicture('0001.png', assets, lookup(['/srv/tracker/assets/0001.png']), home)).toEqual({ kind: 'found', file: '/srv/tracker/assets/0001.png' });
    expect(findPicture('pics/a.png', assets, lookup(['/srv/tracker/assets/pics/a.png']), home)).toEqual({ kind: 'found', file: '/srv/tracker/assets/pics/a.png' });
  });

  it('honours absolute and ~ paths that exist', () => {
    expect(findPicture('/data/pics/x.jpg', assets, lookup(['/data/pics/x.jpg']), home)).toEqual({ kind: 'found', file: '/data/pics/x.jpg' });
    expect(findPicture('~/pics/x.jpg', assets, lookup(['/home/admin/pics/x.jpg']), home)).toEqual({ kind: 'found', file: '/home/admin/pics/x.jpg' });
  });

  it('falls back to assets/<file name> for a legacy path that does not exist here', () => {
    expect(findPicture('~/Desktop/tg_repo/0001.jpg', assets, lookup(['/srv/tracker/assets/0001.jpg']), home)).toEqual({
      kind: 'found',
      file: '/srv/tracker/assets/0001.jpg',
      fallbackFrom: '/home/admin/Desktop/tg_repo/0001.jpg',
    });
    expect(findPicture('C:\\Users\\old\\0002.jpg', assets, lookup(['/srv/tracker/assets/0002.jpg']), home)).toMatchObject({ kind: 'found', file: '/srv/tracker/assets/0002.jpg' });
  });

  it('says where it looked when the picture is nowhere', () => {
    expect(findPicture('~/Desktop/tg_repo/0009.jpg', assets, lookup([]), home)).toEqual({
      kind: 'missing',
      tried: ['/home/admin/Desktop/tg_repo/0009.jpg', '/srv/tracker/assets/0009.jpg'],
    });
    expect(findPicture('0009.png', assets, lookup([]), home)).toEqual({ kind: 'missing', tried: ['/srv/tracker/assets/0009.png'] });
  });
});
