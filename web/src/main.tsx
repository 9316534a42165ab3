import { render } from 'preact';
import { App } from './app';
import { startLiveNotifications } from './features/notifications/live';
import './styles.css';

startLiveNotifications();
render(<App />, document.getElementById('app')!);
