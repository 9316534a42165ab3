import type { Film } from '../../api/types';

/** The film's poster, or a typographic stand-in when it has none (decorative either way). */
export function Poster({ film, size }: { film: Film; size: 'small' | 'large' }) {
  if (film.posterUrl) {
    return <img class={`poster ${size}`} src={film.posterUrl} alt="" loading="lazy" />;
  }
  return (
    <div class={`poster ${size} placeholder`} aria-hidden="true">
      {film.title.slice(0, 1)}
    </div>
  );
}
