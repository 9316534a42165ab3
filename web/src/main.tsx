import { render } from 'preact';
import { App } from './app';
import { startLiveNotifications } from './features/notifications/live';
import { session } from './session/session';
import { startTracking } from './tracking/browser';
import './styles.css';

startLiveNotifications();
startTracking(() => session.token.value);
render(<App />, document.getElementById('app')!);
