/** How long a local video plays, read from its metadata in the page (the file is not sent anywhere). */
export function probeDuration(file: File): Promise<number | null> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const v = document.createElement('video');
    const finish = (d: number | null) => {
      URL.revokeObjectURL(url);
      resolve(d);
    };
    v.preload = 'metadata';
    v.onloadedmetadata = () => {
      finish(Number.isFinite(v.duration) ? v.duration : null);
    };
    v.onerror = () => {
      finish(null);
    };
    v.src = url;
  });
}
